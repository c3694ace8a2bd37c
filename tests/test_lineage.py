"""A team's own versions (lineage), tokenizer extended_from, training-data summary, notes,
parameter counts written as '16B'; the chain back to a from-zero start is checked."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from kleaderboard.checks.lineage import lineage_chain
from kleaderboard.checks.validate import validate_paths
from kleaderboard.errors import ManifestError
from kleaderboard.submission.manifest import parse_manifest
from kleaderboard.submission.tree import load_submission

DATA = Path(__file__).parent / "data" / "manifests" / "valid" / "full.yaml"
BASE: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
COMMIT = "89abcdef0123456789abcdef0123456789abcdef"


def manifest(**originality: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["originality"].pop("loss_log")
    data["originality"].update(originality)
    return data


def continued(parent: str, how: str = "continued_pretraining", version: str = "v2") -> dict[str, Any]:
    return manifest(
        weights_initialised_from_zero=False,
        components=[
            {
                "name": "language model",
                "origin": {"model": "example-lab/example-7b", "revision": COMMIT},
                "relation": "initialised_from",
            },
        ],
        lineage={
            "family": "Example",
            "version": version,
            "continued_from": {"submission": parent, "revision": COMMIT, "how": how},
        },
    )


def write(root: Path, sub_id: str, data: dict[str, Any]) -> Path:
    folder = root / sub_id
    folder.mkdir(parents=True)
    (folder / "submission.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder / "submission.yaml"


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ManifestError) as info:
        parse_manifest(data, "s.yaml")
    return [str(p) for p in info.value.problems]


# --- the manifest ------------------------------------------------------------------------------


def test_a_rounded_parameter_count_is_accepted_and_remembered_as_rounded() -> None:
    data = copy.deepcopy(BASE)
    data["model"]["parameters"] = {"total": "16B", "active": "2.4B"}
    parameters = parse_manifest(data, "s.yaml").model.parameters
    assert (parameters.total, parameters.active) == (16_000_000_000, 2_400_000_000)
    assert parameters.rounded == {"total": "16B", "active": "2.4B"}
    exact = parse_manifest(BASE, "s.yaml").model.parameters
    assert exact.rounded == {}


def test_a_count_that_is_not_one_says_the_exact_integer_is_preferred() -> None:
    data = copy.deepcopy(BASE)
    data["model"]["parameters"] = {"total": "16 billion"}
    assert problems_of(data) == [
        "s.yaml: model.parameters.total: '16 billion' is not a parameter count — write the exact integer, "
        "e.g. 16384000000 (preferred), or a rounded count such as 16B"
    ]


def test_a_version_continued_from_its_own_v1_cannot_also_claim_zero() -> None:
    data = continued("example-lab/example-7b-v1")
    data["originality"]["weights_initialised_from_zero"] = True
    data["originality"]["components"] = BASE["originality"]["components"]
    assert problems_of(data) == [
        "s.yaml: originality: weights_initialised_from_zero is true but lineage.continued_from names an "
        "earlier version — set weights_initialised_from_zero: false; the page shows the chain back to the "
        "version that started from zero"
    ]


def test_the_parent_commit_must_be_a_commit() -> None:
    data = continued("example-lab/example-7b-v1")
    data["originality"]["lineage"]["continued_from"]["revision"] = "pending"
    (problem,) = problems_of(data)
    assert problem.startswith("s.yaml: originality.lineage.continued_from.revision: 'pending' ")
    assert "name the 40-hex commit of the earlier version the weights were taken from" in problem


def test_a_tokenizer_extended_from_another_is_a_relation_with_an_upstream() -> None:
    data = manifest(
        components=[
            {"name": "language model", "origin": "own", "relation": "trained_from_zero"},
            {"name": "tokenizer", "origin": {"model": "upstream/base"}, "relation": "extended_from"},
        ]
    )
    parsed = parse_manifest(data, "s.yaml")
    assert parsed.originality.components[1].relation.value == "extended_from"
    data["originality"]["components"][1]["origin"] = "own"
    assert problems_of(data) == [
        "s.yaml: originality.components[1]: relation extended_from needs an upstream origin — set origin: "
        "{model: owner/name, revision: <commit>}"
    ]


def test_training_data_summary_and_notes() -> None:
    data = copy.deepcopy(BASE)
    data["training_data"] = {
        "languages": {"ko": 0.45, "en": 0.55},
        "source_types": {"web": 0.7, "code": 0.2, "synthetic": 0.1},
        "synthetic_share": 0.1,
    }
    data["notes"] = "Stage 2 used a 32k context."
    parsed = parse_manifest(data, "s.yaml")
    assert parsed.training_data is not None and parsed.training_data.languages == {"ko": 0.45, "en": 0.55}
    assert parsed.notes == "Stage 2 used a 32k context."
    data["training_data"]["languages"] = {"ko": 0.45, "en": 0.45}
    data["training_data"]["synthetic_share"] = 0.2
    assert problems_of(data) == [
        "s.yaml: training_data.languages: the shares add up to 0.9, not 1 — give each as a fraction of all "
        "pre-training tokens (0.25 for a quarter), all of them"
    ]
    data["training_data"]["languages"] = {"ko": 1.0}
    assert problems_of(data) == [
        "s.yaml: training_data.synthetic_share: synthetic_share 0.2 differs from source_types.synthetic 0.1 "
        "— give the same share in both, or one of them"
    ]


# --- the chain ----------------------------------------------------------------------------------


def test_v2_continued_and_a_depth_up_scaled_sibling_reach_the_from_zero_v1(tmp_path: Path) -> None:
    v1 = manifest(lineage={"family": "Example", "version": "v1"})
    write(tmp_path, "example-lab/example-7b-v1", v1)
    v2 = write(tmp_path, "example-lab/example-7b-v2", continued("example-lab/example-7b-v1"))
    dus = write(
        tmp_path,
        "example-lab/example-10b",
        continued("example-lab/example-7b-v2", how="depth_up_scaling", version="v2-10.7b"),
    )
    chain = lineage_chain(load_submission(dus))
    assert [(link.submission, link.version, link.how) for link in chain.links] == [
        ("example-lab/example-10b", "v2-10.7b", "depth_up_scaling"),
        ("example-lab/example-7b-v2", "v2", "continued_pretraining"),
        ("example-lab/example-7b-v1", "v1", ""),
    ]
    assert chain.checkable and chain.start_from_zero is True
    assert validate_paths([tmp_path]).problems == ()
    assert lineage_chain(load_submission(v2)).checkable


@pytest.mark.parametrize(
    ("parent", "expected"),
    [
        (
            "example-lab/missing",
            "example-lab/missing is not a submission here — submit the earlier version first "
            "(submissions/example-lab/missing/submission.yaml), or credit it as a component with "
            "relation initialised_from",
        ),
        (
            "other-lab/base",
            "other-lab/base is another organisation's submission — lineage is for the team's own versions; "
            "credit another team's model as a component with origin {model: owner/name, revision: "
            "<commit>} and relation initialised_from",
        ),
    ],
)
def test_a_broken_chain_is_a_problem_with_its_fix(tmp_path: Path, parent: str, expected: str) -> None:
    write(tmp_path, "other-lab/base", manifest())
    path = write(tmp_path, "example-lab/example-7b-v2", continued(parent))
    report = validate_paths([path])
    assert [str(p) for p in report.problems] == [
        f"{path}: originality.lineage.continued_from.submission: {expected}"
    ]


def test_a_cycle_is_refused(tmp_path: Path) -> None:
    a = write(tmp_path, "example-lab/a", continued("example-lab/b"))
    write(tmp_path, "example-lab/b", continued("example-lab/a"))
    (problem,) = lineage_chain(load_submission(a)).problems
    assert problem.message == "example-lab/a leads back into its own chain"


def test_a_family_mismatch_is_refused_and_a_start_not_from_zero_is_described(tmp_path: Path) -> None:
    write(tmp_path, "example-lab/v1", manifest(lineage={"family": "Other", "version": "v1"}))
    path = write(tmp_path, "example-lab/v2", continued("example-lab/v1"))
    (problem,) = lineage_chain(load_submission(path)).problems
    assert (problem.message, problem.fix) == (
        "example-lab/v1 is of family 'Other', not 'Example'",
        "give the versions of one family the same lineage.family",
    )
    borrowed = continued("example-lab/v2b")
    write(tmp_path, "example-lab/v2b", continued("example-lab/v0", version="v1"))
    write(
        tmp_path,
        "example-lab/v0",
        manifest(weights_initialised_from_zero=False, components=borrowed["originality"]["components"]),
    )
    chain = lineage_chain(load_submission(write(tmp_path, "example-lab/v3", borrowed)))
    assert chain.problems == () and chain.start_from_zero is False and not chain.checkable


def test_the_pull_request_check_reads_earlier_versions_from_the_base_branch(tmp_path: Path) -> None:
    base = tmp_path / "base"
    write(base, "example-lab/example-7b-v1", manifest(lineage={"family": "Example", "version": "v1"}))
    staged = write(tmp_path / "staged", "example-lab/example-7b-v2", continued("example-lab/example-7b-v1"))
    assert validate_paths([staged]).problems  # alone, the staged folder has no v1
    assert validate_paths([staged], submissions_root=base).problems == ()


# --- the model page -----------------------------------------------------------------------------


def test_the_model_page_shows_lineage_data_summary_claim_source_rounding_and_notes(tmp_path: Path) -> None:
    from kleaderboard.scoring.leaderboard import build_leaderboard
    from kleaderboard.site import pages
    from kleaderboard.suites import load_suite

    write(tmp_path, "example-lab/example-7b-v1", manifest(lineage={"family": "Example", "version": "v1"}))
    v2 = continued("example-lab/example-7b-v1")
    v2["model"]["parameters"] = {"total": "16B"}
    v2["originality"]["claim_source"] = "https://example.org/how-we-built-v2"
    v2["training_data"] = {
        "languages": {"ko": 0.4, "en": 0.6},
        "source_types": {"web": 0.9, "synthetic": 0.1},
    }
    v2["notes"] = "Continued on 1T Korean tokens."
    write(tmp_path, "example-lab/example-7b-v2", v2)
    board = build_leaderboard(tmp_path, load_suite("demo"))
    text = pages.render_pages(board, pages.Links(use_directory_urls=False))[
        "en/models/example-lab/example-7b-v2.md"
    ]
    section = text[text.index('<div class="kl-lineage">') :]
    for shown in (
        "<strong>Example</strong>",
        "<code>example-lab/example-7b-v1</code>",
        "continued pre-training",
        f"<code>{COMMIT[:12]}</code>",
        "starts from a version trained from zero",
        "<code>en</code> 60.0 %, <code>ko</code> 40.0 %",
        "web 90.0 %, synthetic 10.0 %",
        "<code>16B</code> → 16,000,000,000 (16B)",
        'href="https://example.org/how-we-built-v2"',
        "Continued on 1T Korean tokens.",
    ):
        assert shown in section, shown
    assert "kl-badge--checked" in section and "kl-badge--declared" in section
    plain = pages.render_pages(board, pages.Links(use_directory_urls=False))[
        "models/example-lab/example-7b-v1.md"
    ]
    assert "starts from a version" not in plain  # v1 is the start: no chain to show


def test_the_model_page_shows_how_an_imported_loss_log_was_made(tmp_path: Path) -> None:
    from kleaderboard.scoring.leaderboard import build_leaderboard
    from kleaderboard.site import pages
    from kleaderboard.submission.loss_import import ImportOptions, TokenRecipe, import_loss_log
    from kleaderboard.suites import load_suite

    path = write(tmp_path, "example-lab/example-7b", manifest(loss_log="loss_log.csv"))
    megatron = Path(__file__).parent / "data" / "loss_sources" / "megatron.log"
    import_loss_log(
        [megatron], path.parent / "loss_log.csv", ImportOptions("megatron", {}, TokenRecipe(seq_len=8))
    )
    board = build_leaderboard(tmp_path, load_suite("demo"))
    text = pages.render_pages(board, pages.Links(use_directory_urls=False))[
        "en/models/example-lab/example-7b.md"
    ]
    notes = text[text.index('<details class="kl-loss-notes">') :]
    assert "How the log was made (its # lines)" in notes
    assert "<code>run &#39;megatron.log part 2&#39; resumes at step 40" in notes
    assert "<code>dropped: 1 row(s) with a non-finite or missing loss or value (steps 30)</code>" in notes
