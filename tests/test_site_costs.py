"""Cost figures on the site: the model page's cost section, the leaderboard's cost columns
and the methodology's "how cost is measured", from the fixture's GPU and CPU run records."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from kleaderboard.evaluation import structural_cost as costmodel
from kleaderboard.records import ServingCost
from kleaderboard.scoring.prices import price_table
from kleaderboard.site import costs, pages
from kleaderboard.submission import loss_log as losslog
from kleaderboard.suites import load_suite

from .site_fixture import entry, to_html

ROOT = Path(__file__).parent.parent
GPU = "alpha-lab/hangul-7b"  # H100 run with serving, structural and money/energy figures
CPU = "beta-ai/beta-moe"  # CPU run: serving and structural figures, no price, no energy


def cost_section(rendered: dict[str, str], submission_id: str) -> str:
    page = to_html(rendered[f"en/models/{submission_id}.md"])
    return re.search(r'<h2 id="cost">(.*?)<h2 id="loss-log">', page, re.S)[1]


def row_html(html: str, submission_id: str) -> str:
    return re.search(rf'<tr data-model="{re.escape(submission_id)}"[^>]*>(.*?)</tr>', html, re.S)[1]


def cells(row: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)


def test_split_source_links_the_url_it_starts_with():
    source = costs.split_source("https://www.example.org/prices (2026-05, on-demand)")
    assert (source.url, source.host, source.rest) == (
        "https://www.example.org/prices",
        "example.org",
        "(2026-05, on-demand)",
    )
    assert costs.split_source("javascript:alert(1) x").url is None
    assert costs.split_source(None) == costs.Source(None, "", "")


def test_cost_figures_order_points_and_pick_the_highest_concurrency(board):
    figures = costs.cost_figures(entry(board, GPU).run)
    assert figures is not None
    assert [p.concurrency for p in figures.serving] == [1, 4]
    assert figures.top is not None and figures.top.concurrency == 4
    assert not figures.cpu
    assert costs.cost_figures(None) is None


# --- the model page -----------------------------------------------------------------------


def test_gpu_run_shows_serving_structural_money_and_energy(rendered):
    section = cost_section(rendered, GPU)
    for text in (
        "Serving workload",
        "31.2 ms",  # time to first token, concurrency 1
        "38.7 ms",
        "155.3",  # output tokens/s at concurrency 4
        "GQA",
        "7,818,182,656",  # active parameters per token
        "128 KiB",
        "131,072 B, bfloat16",
        "14.8 GFLOPs",
        "context 64 tokens",
        "NVIDIA H100 80GB HBM3 × 1",
        "US$3.00",
        'href="https://www.mercatus-ai.com/blog/cloud-gpu-pricing"',
        "US$5.36",
        "at concurrency 4, 155.3 tokens/s",
        "1,819.9 Wh",
        "0.158 Wh (NVML)",
    ):
        assert text in section, text
    assert "kl-badge--measured" in section
    assert "CPU figures" not in section


def test_cpu_run_is_labelled_and_never_priced_or_estimated(rendered):
    section = cost_section(rendered, CPU)
    assert section.count("CPU figures") >= 2  # the section's label and the money row
    assert "1.92 s" in section and "4.51" in section
    assert "MLA" in section and "54 KiB" in section
    assert "US$" not in section.split("Money and energy")[1]
    assert "not measured" in section  # energy
    assert "No module named &#39;pynvml&#39;" in section  # the reason, from the record


def test_gpu_without_a_price_says_so(board):
    alpha = entry(board, GPU)
    assert alpha.run is not None
    unpriced = ServingCost(
        gpu="NVIDIA L40S", gpu_count=1, note="no price for NVIDIA L40S in data/gpu_prices.yaml"
    )
    run = alpha.run.model_copy(update={"measured": alpha.run.measured.model_copy(update={"cost": unpriced})})
    english = pages.Links(False, "en")
    page = to_html(pages.model_page(dataclasses.replace(alpha, run=run), board.suite, english))
    assert "no price for this device in the price table" in page
    assert "no price for NVIDIA L40S in data/gpu_prices.yaml" in page


def test_run_without_serving_figures_says_so(rendered):
    section = cost_section(rendered, "delta/broken-log")  # a failed run that measured no serving
    assert "did not measure the serving cost" in section


def test_unevaluated_model_has_no_cost_figures(rendered):
    section = cost_section(rendered, "gamma/pending-model")
    assert "Not evaluated yet" in section
    assert "Serving workload" not in section


# --- the leaderboard ----------------------------------------------------------------------


def test_leaderboard_cost_columns_have_numeric_sort_values(rendered, board):
    html = to_html(rendered["index.md"])
    first_cost = 5 + len(board.suite.categories)  # rank, model, team, status, overall, categories
    header = re.findall(r"<th scope=\"col\"([^>]*)>", re.search(r"<thead>.*?</thead>", html, re.S)[0])
    assert 'data-sort-type="number"' in header[first_cost]
    assert 'data-sort-type="number"' in header[first_cost + 1]
    gpu = re.findall(r'<td[^>]*data-sort="([^"]*)"', row_html(html, GPU))
    assert gpu[first_cost : first_cost + 2] == ["155.34", "5.3646"]
    cpu_row = row_html(html, CPU)
    cpu = re.findall(r'<td[^>]*data-sort="([^"]*)"', cpu_row)
    assert cpu[first_cost : first_cost + 2] == ["4.507", ""]  # no $ on a CPU
    assert ">CPU</small>" in cells(cpu_row)[first_cost]
    assert cells(cpu_row)[first_cost + 1] == "—"
    for unevaluated in ("delta/broken-log", "gamma/pending-model"):
        values = re.findall(r'<td[^>]*data-sort="([^"]*)"', row_html(html, unevaluated))
        assert values[first_cost : first_cost + 2] == ["", ""]


# --- methodology --------------------------------------------------------------------------


def test_methodology_explains_how_cost_is_measured(rendered, board):
    html = to_html(rendered["en/methodology.md"])
    section = re.search(r'<h2 id="cost">(.*?)<h2 id="run-records">', html, re.S)[1]
    serving = board.suite.serving
    assert serving is not None
    assert f"<strong>{serving.input_tokens}</strong> input tokens" in section
    assert f"<strong>{serving.output_tokens}</strong> tokens" in section
    for level in serving.concurrency:
        assert f"<strong>{level}</strong>" in section
    assert "Time to first token" in section and "Output tokens per second" in section
    assert "× 3600) × 10<sup>6</sup>" in section
    table = price_table()
    assert table.source in section and table.source_date in section and table.basis in section
    assert table.retrieved in section and "src/kleaderboard/data/gpu_prices.yaml" in section
    for gpu in table.gpus:
        assert f"<td>{gpu.name}</td>" in section
        assert f"{gpu.usd_per_hour:.2f}" in section
    assert "never estimated" in section


def test_methodology_structural_formulas_are_those_of_the_cost_model(rendered):
    html = to_html(rendered["methodology.md"])
    formulas = re.findall(r'<code class="kl-formula-code">(.*?)</code>', html)
    assert len(formulas) == 4
    docstring = " ".join((costmodel.__doc__ or "").split())
    for formula in formulas:
        assert formula in docstring, formula


def test_methodology_explains_modes(rendered):
    html = to_html(rendered["en/methodology.md"])
    section = re.search(r'<h2 id="modes">(.*?)<h2 id="cost">', html, re.S)[1]
    assert "log-likelihood" in section
    assert "<code>chat:</code>" in section
    assert "<code>think_on</code>" in section and "needs generative tasks" in section


def test_methodology_lists_each_tasks_chat_variant():
    suite = load_suite("ko-global-v1")
    html = to_html(pages.methodology_page(suite, pages.Links(False)))
    for task in suite.tasks:
        if task.chat:
            assert f"<code>{task.chat.task}</code>" in html


# --- the submit page ----------------------------------------------------------------------


@pytest.mark.parametrize("page", ["submit.md", "en/submit.md"])
def test_submit_page_loss_log_section_states_the_limits_the_parser_applies(page):
    text = (ROOT / "site_src" / page).read_text(encoding="utf-8")
    section = re.search(r"^## loss_log\.csv$(.*?)^## ", text, re.S | re.M)[1]
    assert "nats" in section
    assert f"{losslog.MAX_LOSS:,.0f}" in section  # 1,000
    assert "BOM" in section and "CRLF" in section
    assert "ln(vocab_size)" in section and "cost.training.tokens" in section
