"""The embedded default end to end: train from zero, evaluate with lm-eval, build the site."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

pytest.importorskip("lm_eval", reason="needs the eval extra")
pytestmark = pytest.mark.slow

from kleaderboard.checks.validate import validate_paths  # noqa: E402
from kleaderboard.demo.provenance_demo import DERIVED_DEMOS  # noqa: E402
from kleaderboard.demo.workspace import DEMO_MODELS, LEAKED_MODEL, run_demo  # noqa: E402
from kleaderboard.submission.loss_log import read_loss_log  # noqa: E402


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = tmp_path_factory.mktemp("demo")
    run_demo(workspace, progress=lambda line: None)
    return workspace


def test_demo_writes_valid_submissions_with_real_loss_logs(demo_workspace: Path) -> None:
    report = validate_paths([demo_workspace / "submissions"])
    assert report.ok, report.problems
    assert report.checked == len(DEMO_MODELS) + 1 + len(DERIVED_DEMOS)  # the leaked model, the derived ones
    for model in DEMO_MODELS:
        log = read_loss_log(demo_workspace / "submissions" / model.org / model.slug / "loss_log.csv")
        vocab = json.loads(
            (demo_workspace / "submissions" / model.org / model.slug / "model" / "config.json").read_text()
        )["vocab_size"]
        # weights really start from zero: the first loss sits near ln(vocabulary size)
        assert abs(log.first_loss - math.log(vocab)) < 0.5
        assert log.last_loss < log.first_loss


def test_demo_records_measured_scores(demo_workspace: Path) -> None:
    runs = sorted((demo_workspace / "submissions").glob("*/*/runs/*.json"))
    assert len(runs) == len(DEMO_MODELS) + 1
    first = json.loads(runs[0].read_text())
    assert first["status"] == "succeeded"
    assert {s["task"] for s in first["scores"]} == {
        "demo_ko_facts",
        "demo_ko_particles",
        "demo_en_facts",
        "demo_arith",
    }


def test_longest_trained_model_beats_the_barely_trained_one(demo_workspace: Path) -> None:
    def mean_score(org: str, slug: str) -> float:
        (run,) = (demo_workspace / "submissions" / org / slug / "runs").glob("*.json")
        scores = json.loads(run.read_text())["scores"]
        return sum(s["value"] for s in scores) / len(scores)

    strong, _, weak = DEMO_MODELS
    assert mean_score(strong.org, strong.slug) > mean_score(weak.org, weak.slug)


def test_demo_site_lists_every_model(demo_workspace: Path) -> None:
    index = (demo_workspace / "site" / "index.html").read_text(encoding="utf-8")
    for model in DEMO_MODELS:
        assert model.name in index
        page = demo_workspace / "site" / "models" / model.org / f"{model.slug}.html"
        assert page.is_file()


def test_demo_model_page_shows_a_claim_beside_its_measurement(demo_workspace: Path) -> None:
    first = DEMO_MODELS[0]
    page = demo_workspace / "site" / "en" / "models" / first.org / f"{first.slug}.html"
    html = page.read_text(encoding="utf-8")
    assert "Claimed vs measured" in html and "Demo arithmetic" in html
    assert "±" in html.split("Claimed vs measured", 1)[1].split("</table>", 1)[0]


def test_demo_leaderboard_shows_the_claim_gap_column(demo_workspace: Path) -> None:
    first = DEMO_MODELS[0]
    html = (demo_workspace / "site" / "en" / "index.html").read_text(encoding="utf-8")
    assert "Claimed vs measured (largest gap)" in html and "kl-group--checked" in html
    row = html.split(f'data-model="{first.org}/{first.slug}"', 1)[1].split("</tr>", 1)[0]
    claim = row.split('class="kl-num kl-claim"', 1)[1].split("</td>", 1)[0]
    assert "Demo arithmetic" in claim and "claimed 50" in claim and "gap " in claim and "±" in claim


def _flagged_on_page(html: str) -> dict[str, set[str]]:
    """Reference -> the components its flagged table lists, read from a built model page."""
    found: dict[str, set[str]] = {}
    for block in html.split('<div class="kl-provenance-ref">')[1:]:
        reference = block.split("<code>", 1)[1].split("</code>", 1)[0]
        table = block.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in block else ""
        found[reference] = {row.split("</code>", 1)[0] for row in table.split("<tr><td><code>")[1:]}
    return found


def test_demo_pages_show_each_derived_model_flagged_and_the_own_models_not(demo_workspace: Path) -> None:
    from kleaderboard.demo.provenance_demo import REFERENCE_REPO

    for language, models in (("en", demo_workspace / "site" / "en" / "models"),
                             ("ko", demo_workspace / "site" / "models")):  # fmt: skip
        for demo in DERIVED_DEMOS:
            html = (models / demo.org / f"{demo.slug}.html").read_text(encoding="utf-8")
            flagged = _flagged_on_page(html)
            base = REFERENCE_REPO.format(seed=demo.base_seed)
            assert set(demo.flagged) <= flagged[base], (language, demo.slug, flagged)
            assert not flagged[base] & set(demo.not_flagged), (language, demo.slug)
            assert not any(found for ref, found in flagged.items() if ref != base), (language, demo.slug)
        for model in DEMO_MODELS:
            html = (models / model.org / f"{model.slug}.html").read_text(encoding="utf-8")
            assert not any(_flagged_on_page(html).values()), (language, model.slug)
    english = demo_workspace / "site" / "en" / "models"
    (stack,) = [d for d in DERIVED_DEMOS if d.how == "upscaled"]
    html = (english / stack.org / f"{stack.slug}.html").read_text(encoding="utf-8")
    assert "<tr><td><code>depth-up-scaling</code></td><td>✓</td><td>✓</td></tr>" in html
    smallest = DEMO_MODELS[-1]
    own = (english / smallest.org / f"{smallest.slug}.html").read_text(encoding="utf-8")
    assert "no component above its null distribution" in own and "flagged: above every" not in own


def test_rerun_keeps_models_and_records(demo_workspace: Path) -> None:
    model = DEMO_MODELS[0]
    folder = demo_workspace / "submissions" / model.org / model.slug
    weights = (folder / "model" / "model.safetensors").read_bytes()
    before = sorted(p.name for p in (folder / "runs").glob("*.json"))
    lines: list[str] = []
    run_demo(demo_workspace, progress=lines.append)
    assert (folder / "model" / "model.safetensors").read_bytes() == weights
    after = sorted(p.name for p in (folder / "runs").glob("*.json"))
    assert before == after  # nothing changed, so nothing new to record
    assert any("already trained, reusing it" in line for line in lines)
    assert sum(line.startswith("up to date: run ") for line in lines) == len(DEMO_MODELS) + 1


def test_the_leaked_model_is_flagged_on_its_page_and_no_clean_one(demo_workspace: Path) -> None:
    # Membership: demo_en_facts' published items against the demo's private slice (same style,
    # same frame, facts paraphrased in the corpus as often as the published ones), each model's
    # AUC placed among the clean models' (contamination-null.yaml; leave-one-out in the panel).
    flag = "the model may have seen the test items"
    for model in (*DEMO_MODELS, LEAKED_MODEL):
        page = demo_workspace / "site" / "en" / "models" / model.org / f"{model.slug}.html"
        text = page.read_text(encoding="utf-8")
        assert "Contamination evidence" in text and "<code>demo_en_facts</code> · Min-K%" in text
        assert "kl-null-chart" in text and "Rank, private items" in text
        if model is LEAKED_MODEL:
            assert flag in text and "unlike the clean models" in text
        else:
            assert flag not in text and "unlike the clean models" not in text, model.slug
    assert (demo_workspace / "contamination-null.yaml").is_file()
