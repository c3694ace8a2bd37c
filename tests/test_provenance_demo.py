"""The demo's provenance step: each derived model is flagged on its component, the independent one is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from kleaderboard.demo.provenance_demo import (
    COPYCAT,
    DERIVED_DEMOS,
    REFERENCE_REPO,
    run_provenance_demo,
)
from kleaderboard.demo.workspace import DEMO_MODELS, prepare_model
from kleaderboard.site.pages import template_environment
from kleaderboard.site.provenance_view import provenance_view

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    smallest = DEMO_MODELS[-1]
    manifest = prepare_model(root, smallest, lambda _: None)
    run_provenance_demo(root, [manifest], lambda _: None)
    return root


def _view(workspace: Path, org: str, slug: str):  # -> ProvenanceView
    view = provenance_view(workspace / "submissions" / org / slug, f"models/{org}/{slug}")
    assert view is not None
    return view


def test_the_copycat_is_flagged_and_the_independent_model_is_not(workspace: Path) -> None:
    org, slug, _ = COPYCAT
    copycat = _view(workspace, org, slug)
    flagged = {row.component for ref in copycat.references for row in ref.flagged}
    assert {"layers.0.attention", "layers.0.mlp"} <= flagged
    assert copycat.references[0].chart  # the null distribution is drawn with this pair's value
    smallest = DEMO_MODELS[-1]
    independent = _view(workspace, smallest.org, smallest.slug)
    assert independent.searched == 3 and independent.references  # same shape family: compared
    assert not independent.any_flagged


@pytest.mark.parametrize("demo", DERIVED_DEMOS, ids=lambda d: d.how)
def test_each_derived_model_is_flagged_on_its_component_against_its_base_only(workspace: Path, demo) -> None:
    view = _view(workspace, demo.org, demo.slug)
    base = REFERENCE_REPO.format(seed=demo.base_seed)
    flagged = {ref.reference: {row.component for row in ref.flagged} for ref in view.references}
    assert set(demo.flagged) <= flagged[base]
    assert not flagged[base] & set(demo.not_flagged)
    assert not any(components for ref, components in flagged.items() if ref != base)


def test_the_declared_depth_up_scaling_is_detected_beside_its_declaration(workspace: Path) -> None:
    (stack,) = [d for d in DERIVED_DEMOS if d.how == "upscaled"]
    view = _view(workspace, stack.org, stack.slug)
    rows = {row.tag: (row.declared, row.detected) for row in view.innovations}
    assert rows == {"depth-up-scaling": (True, True)}
    (base,) = [ref for ref in view.references if ref.repeated]
    assert base.reference == REFERENCE_REPO.format(seed=stack.base_seed)
    assert base.repeated == ((0, "0, 1"),)  # the base's one layer became layers 0 and 1
    for demo in DERIVED_DEMOS:  # the others declare no innovation and none is detected
        if demo is not stack:
            assert not _view(workspace, demo.org, demo.slug).innovations


def test_the_section_renders_evidence_with_its_limits(workspace: Path) -> None:
    smallest = DEMO_MODELS[-1]
    korean = template_environment()
    html = korean.get_template("_provenance.html.j2").render(
        prov=_view(workspace, smallest.org, smallest.slug),
        m=korean.get_template("_macros.html.j2").module,
        href=lambda uri: uri,
    )
    assert "참조 모델 3개 중 일치 없음은" in html and "is not proof" not in html
    env = template_environment("en")
    macros = env.get_template("_macros.html.j2")
    template = env.get_template("_provenance.html.j2")
    html = template.render(
        prov=_view(workspace, smallest.org, smallest.slug), m=macros.module, href=lambda uri: uri
    )
    assert "No match among 3 reference models is not proof of training from zero" in html
    assert 'href="models/dure-labs/dure-tiny-xs/provenance/' in html
    assert "raw cosine" in html.lower()  # the methodology says why it is not used
    org, slug, _ = COPYCAT
    html = template.render(prov=_view(workspace, org, slug), m=macros.module, href=lambda uri: uri)
    assert "flagged: above every independent pair" in html and "<svg" in html
