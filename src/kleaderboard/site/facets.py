"""What the leaderboard's filters and compare view read from a row, beyond its cells.

Licence, open weights and suite version are facets of a submission the table does not
show as columns; each row carries them as data-* attributes so that the filters (and
the compare view) work in the browser from the page alone.
"""

from __future__ import annotations

from kleaderboard.display import Label
from kleaderboard.submission.manifest import Manifest

# SPDX ids of licences that let anyone use, change and share the weights (OSI-approved
# software licences and the permissive Creative Commons ones). A custom or community
# licence (Llama, Gemma, a team's own terms) is not counted as open: it may restrict use.
OPEN_LICENCES = frozenset(
    {
        "apache-2.0",
        "mit",
        "bsd-2-clause",
        "bsd-3-clause",
        "isc",
        "mpl-2.0",
        "cc-by-4.0",
        "cc-by-sa-4.0",
        "cc0-1.0",
        "openrail",
        "openrail-m",
    }
)
NO_ASSERTION = "noassertion"  # SPDX: the sources make no statement about the licence

OPEN_WEIGHTS_TEXT = Label(
    "공개 가중치 (Hub에 올라 있고 공개 라이선스)", "open weights (on the Hub, under an open licence)"
)


def licence_key(manifest: Manifest) -> str:
    """The licence as the filter matches it: the declared text, or '' when not stated."""
    licence = manifest.license.strip()
    return "" if licence.casefold() == NO_ASSERTION else licence


def open_weights(manifest: Manifest) -> bool:
    """True when anyone can download the weights (a Hub repo) under an open licence."""
    return manifest.model.hub_repo is not None and licence_key(manifest).casefold() in OPEN_LICENCES


__all__ = ["OPEN_LICENCES", "OPEN_WEIGHTS_TEXT", "licence_key", "open_weights"]
