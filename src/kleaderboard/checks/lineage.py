"""A team's own versions: the chain from a submission back to the version that started from zero.

A manifest's ``originality.lineage.continued_from`` names an earlier submission of the
same organisation (``<org>/<model>``) and the commit its weights were taken from. The
chain is followed through the ``submissions/`` tree until a version with no
``continued_from``; it is *checkable* when that start declares weights initialised from
zero. A parent that is missing, belongs to another organisation, is of another family
or leads back into the chain (a cycle) is a problem with its fix; a start that did not
begin from zero is described, never refused (a team may continue an upstream model).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kleaderboard.errors import InputError, Problem
from kleaderboard.submission.manifest import Manifest
from kleaderboard.submission.tree import MANIFEST_NAME, Submission, load_submission

FIELD = "originality.lineage.continued_from.submission"
MAX_DEPTH = 50  # versions in one chain; past this the chain is not followed


@dataclass(frozen=True)
class Link:
    """One version in the chain: its submission id, version name and how it was made."""

    submission: str
    version: str
    how: str  # the LineageStep value, or "" for the start
    revision: str  # the parent's commit this version was made from, or "" for the start


@dataclass(frozen=True)
class Chain:
    """The versions from this submission back to its start, this one first."""

    links: tuple[Link, ...]
    start_from_zero: bool | None  # the start's declaration; None when the chain is broken
    problems: tuple[Problem, ...] = ()

    @property
    def checkable(self) -> bool:
        """True when the chain is whole and its start declares weights from zero."""
        return not self.problems and self.start_from_zero is True


def _link(sub_id: str, manifest: Manifest) -> Link:
    lineage = manifest.originality.lineage
    parent = lineage.continued_from if lineage else None
    return Link(
        sub_id,
        lineage.version if lineage else "",
        parent.how.value if parent else "",
        parent.revision if parent else "",
    )


def lineage_chain(sub: Submission, submissions_root: Path | None = None) -> Chain:
    """Follow continued_from from sub back to its start, in submissions_root (default: sub's tree)."""
    root = submissions_root or sub.folder.parent.parent
    manifest_file = str(sub.folder / MANIFEST_NAME)
    links = [_link(sub.id, sub.manifest)]
    seen = {sub.id}
    current = sub.manifest
    family = current.originality.lineage.family if current.originality.lineage else ""
    while (lineage := current.originality.lineage) and lineage.continued_from:
        parent_id = lineage.continued_from.submission
        problem = _parent_problem(sub, parent_id, seen, len(links), root)
        if problem is None:
            try:
                parent = load_submission(root / parent_id / MANIFEST_NAME)
            except InputError:
                problem = (
                    f"{parent_id}'s submission.yaml does not validate",
                    f"fix {parent_id} first (kleaderboard validate {root / parent_id})",
                )
            else:
                parent_family = parent.manifest.originality.lineage
                if parent_family and parent_family.family != family:
                    problem = (
                        f"{parent_id} is of family {parent_family.family!r}, not {family!r}",
                        "give the versions of one family the same lineage.family",
                    )
        if problem is not None:
            return Chain(tuple(links), None, (Problem(manifest_file, FIELD, *problem),))
        seen.add(parent_id)
        links.append(_link(parent_id, parent.manifest))
        current = parent.manifest
    return Chain(tuple(links), current.originality.weights_initialised_from_zero)


def _parent_problem(
    sub: Submission, parent_id: str, seen: set[str], depth: int, root: Path
) -> tuple[str, str] | None:
    if parent_id.split("/")[0] != sub.org:
        return (
            f"{parent_id} is another organisation's submission",
            "lineage is for the team's own versions; credit another team's model as a component "
            "with origin {model: owner/name, revision: <commit>} and relation initialised_from",
        )
    if parent_id in seen:
        return (
            f"{parent_id} leads back into its own chain",
            "a version continues an earlier one, never a later",
        )
    if depth >= MAX_DEPTH:
        return (f"the chain is longer than {MAX_DEPTH} versions", "name the version this one was made from")
    if not (root / parent_id / MANIFEST_NAME).is_file():
        return (
            f"{parent_id} is not a submission here",
            f"submit the earlier version first (submissions/{parent_id}/submission.yaml), "
            "or credit it as a component with relation initialised_from",
        )
    return None


__all__ = ["Chain", "Link", "lineage_chain"]
