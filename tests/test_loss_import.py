"""import-loss-log: each trainer's format, from sample files laid out as the tools write them.

The samples under ``tests/data/loss_sources/`` are made here; their layouts come from the
tools' own code and docs (cited in :mod:`kleaderboard.submission.loss_sources`):

* ``wandb_export.csv`` — W&B chart "Export CSV": ``"Step"``, ``"<run> - <metric>"`` and
  the ``__MIN``/``__MAX`` band columns; a resumed run exported as its own columns.
* ``trainer_state.json`` — transformers ``TrainerState.save_to_json`` (``log_history``,
  ``num_input_tokens_seen`` with ``include_num_input_tokens_seen``, ``NaN`` as Python's json writes it).
* ``megatron.log`` — megatron/training/training.py ``training_log`` and the validation line;
  a relaunch that loads the iteration-30 checkpoint.
* ``nemo2.log`` — nemo/lightning/pytorch/callbacks/progress_printer.py ``MegatronProgress``.
* ``nemo1_progress_bar.log`` — NeMo 1's TQDM bar, rewritten in place with ``\\r``.

TensorBoard files are written in the tests with the real writer (``torch.utils.tensorboard``,
what the Hugging Face Trainer's TensorBoard callback uses).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from kleaderboard.checks.evidence import tokens_finding
from kleaderboard.cli.main import main
from kleaderboard.errors import LossLogError
from kleaderboard.submission.loss_import import ImportOptions, TokenRecipe, convert, import_loss_log
from kleaderboard.submission.loss_log import parse_loss_log, read_loss_log

SOURCES = Path(__file__).parent / "data" / "loss_sources"
NO_RECIPE = TokenRecipe()


def converted(paths: list[Path], fmt: str, recipe: TokenRecipe = NO_RECIPE, **mapping: str):
    imported = convert(paths, ImportOptions(fmt, mapping, recipe))
    return imported, parse_loss_log(imported.text, "loss_log.csv")


def problems_of(paths: list[Path], fmt: str, recipe: TokenRecipe = NO_RECIPE, **mapping: str) -> list[str]:
    with pytest.raises(LossLogError) as info:
        convert(paths, ImportOptions(fmt, mapping, recipe))
    return [str(p) for p in info.value.problems]


def test_wandb_export_two_runs_resumed_run_wins_and_nan_dropped() -> None:
    imported, log = converted(
        [SOURCES / "wandb_export.csv"], "wandb", TokenRecipe(global_batch=256, seq_len=4096)
    )
    assert [(p.step, p.loss) for p in log.points] == [
        (0, 11.93),
        (100, 7.41),
        (200, 6.02),
        (300, 5.7),
        (400, 5.49),
        (500, 5.21),
    ]
    assert [p.tokens_seen for p in log.points] == [step * 256 * 4096 for step in (0, 100, 200, 300, 400, 500)]
    # the __MIN/__MAX band is not a figure; the first run's learning rate is kept where it ran
    assert log.points[1].learning_rate == 0.0003 and log.points[5].learning_rate is None
    assert imported.runs == 2 and imported.dropped_steps == (300,)
    assert log.notes[-3:] == (
        "runs: 2",
        "run 'acme-7b-resumed' resumes at step 300: it replaces 1 row(s) (steps 400 to 400) "
        "of the run before",
        "dropped: 1 row(s) with a non-finite or missing loss or value (steps 300)",
    )
    assert "tokens_seen: step x global batch 256 x sequence length 4096 = step x 1048576" in log.notes[1]


def test_hf_trainer_state_uses_the_trainers_own_token_count() -> None:
    imported, log = converted([SOURCES / "trainer_state.json"], "hf-trainer")
    assert [(p.step, p.tokens_seen, p.loss) for p in log.points] == [
        (1, 262144, 10.8123),
        (20, 5242880, 7.9021),
        (60, 15728640, 6.4412),
    ]
    # the evaluation entry joins its step; the run summary's mean train_loss is not a row
    assert log.points[1].eval_loss == 7.95 and log.points[2].eval_loss is None
    assert imported.dropped_steps == (40,)
    assert "tokens_seen: the trainer's own token count" in log.notes


def test_megatron_log_restart_is_a_second_run_and_tokens_come_from_consumed_samples() -> None:
    imported, log = converted([SOURCES / "megatron.log"], "megatron", TokenRecipe(seq_len=4096))
    assert [p.step for p in log.points] == [10, 20, 40, 50]
    # the relaunch's row for iteration 40 replaces the first run's
    assert log.points[2].loss == 8.398765 and log.points[2].grad_norm == 2.004
    assert [p.tokens_seen for p in log.points] == [2560 * 4096, 5120 * 4096, 10240 * 4096, 12800 * 4096]
    assert log.points[0].learning_rate == 3e-05
    assert imported.dropped_steps == (30,)  # Megatron leaves a non-finite loss off its line
    assert (
        "run 'megatron.log part 2' resumes at step 40: it replaces 1 row(s) (steps 40 to 40) "
        "of the run before"
    ) in log.notes
    assert "consumed samples x sequence length 4096 (declared with --seq-len)" in log.notes[1]


def test_megatron_validation_loss_joins_its_iteration(tmp_path: Path) -> None:
    log_text = (
        (SOURCES / "megatron.log").read_text().replace("number of nan iterations:  10 |", "lm loss: 9E+00 |")
    )
    path = tmp_path / "megatron.log"
    path.write_text(log_text)
    _, log = converted([path], "megatron", TokenRecipe(seq_len=8))
    assert [(p.step, p.eval_loss) for p in log.points if p.eval_loss] == [(30, 8.915533)]


def test_nemo2_progress_printer_global_step_is_the_step() -> None:
    _, log = converted([SOURCES / "nemo2.log"], "nemo", TokenRecipe(seq_len=2048))
    assert [(p.step, p.loss, p.learning_rate) for p in log.points] == [
        (0, 11.03, 1.5e-07),
        (1, 11.02, 3e-07),
        (2, 10.98, 4.5e-07),
        (3, 10.91, 6e-07),
    ]
    assert log.points[-1].tokens_seen == 2048 * 2048


def test_nemo1_progress_bar_lines_rewritten_with_carriage_returns() -> None:
    _, log = converted([SOURCES / "nemo1_progress_bar.log"], "nemo", TokenRecipe(seq_len=4096))
    assert [(p.step, p.loss, p.tokens_seen) for p in log.points] == [
        (0, 11.0, 256 * 4096),
        (1, 10.9, 512 * 4096),
        (2, 10.7, 768 * 4096),
    ]


def test_plain_csv_with_common_names_needs_no_mapping() -> None:
    _, log = converted([SOURCES / "pandas_export.csv"], "csv")
    assert [(p.step, p.tokens_seen, p.loss, p.learning_rate) for p in log.points] == [
        (0, 0, 11.2, 0.0),
        (50, 52428800, 7.3, 0.0002),
        (100, 104857600, 6.1, 0.0003),
    ]


def test_plain_csv_with_other_names_is_mapped() -> None:
    source = [SOURCES / "custom_names.csv"]
    assert problems_of(source, "csv") == [
        f"{source[0]}: header: no column holds the step (columns: 'global_iter', 'ce_loss', 'n_tokens') "
        "— name it with --map step=COLUMN",
        f"{source[0]}: header: no column holds the loss (columns: 'global_iter', 'ce_loss', 'n_tokens') "
        "— name it with --map loss=COLUMN",
    ]
    _, log = converted(source, "csv", step="global_iter", loss="ce_loss", tokens_seen="n_tokens")
    assert [(p.step, p.tokens_seen) for p in log.points] == [(0, 0), (50, 52428800), (100, 104857600)]
    assert "map: loss=ce_loss" in log.notes


def test_every_problem_of_every_row_is_told_against_the_source_row(tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_text("step,loss,tokens\n0,32768,0\n10,-1,100\n20,5.0,-3\n")
    assert problems_of([source], "csv") == [
        f"{source}: line 2, loss: 32768.0 is above 1,000 — log the mean cross-entropy per token in nats, "
        "not a perplexity or a sum",
        f"{source}: line 3, loss: -1.0 is negative — a cross-entropy is 0 or more: log the language-model "
        "loss itself",
        f"{source}: line 4, tokens_seen: -3 is negative — tokens_seen counts the tokens seen so far, from 0",
    ]


def test_no_token_count_and_no_recipe_says_which_recipe_to_give(tmp_path: Path) -> None:
    assert problems_of([SOURCES / "megatron.log"], "megatron") == [
        f"{SOURCES / 'megatron.log'}: tokens_seen: the log has no token count for every row "
        "— give --seq-len L (tokens = consumed samples x L)"
    ]
    assert problems_of([SOURCES / "wandb_export.csv"], "wandb") == [
        f"{SOURCES / 'wandb_export.csv'}: tokens_seen: the log has no token count for every row "
        "— give --global-batch G --seq-len L (tokens = step x G x L), or --map tokens_seen=NAME"
    ]


def test_an_unknown_mapped_field_is_named_with_the_closest() -> None:
    assert problems_of([SOURCES / "pandas_export.csv"], "csv", los="x") == [
        "--map: los: is not a field of the loss log — Perhaps you meant 'loss'?"
    ]


def test_the_source_is_named_with_its_sha256_so_the_original_can_be_matched() -> None:
    import hashlib

    _, log = converted([SOURCES / "trainer_state.json"], "hf-trainer")
    digest = hashlib.sha256((SOURCES / "trainer_state.json").read_bytes()).hexdigest()
    assert log.notes[0] == f"source (hf-trainer): trainer_state.json sha256 {digest}"


# --- TensorBoard, written with the real writer -----------------------------------------------


def write_events(folder: Path, points: list[tuple[int, float]], suffix: str) -> None:
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(folder), filename_suffix=suffix)
    for step, loss in points:
        writer.add_scalar("train/loss", loss, step)
        writer.add_scalar("train/learning_rate", 1e-3, step)
        writer.add_scalar("eval/loss", loss + 0.1, step)
    writer.close()


def test_tensorboard_folder_each_event_file_a_run_resumed_one_wins(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    write_events(tmp_path, [(0, 10.5), (10, 8.0), (20, math.nan), (30, 6.5)], ".a")
    write_events(tmp_path, [(20, 7.0), (30, 6.4), (40, 6.0)], ".b")
    imported, log = converted([tmp_path], "tensorboard", TokenRecipe(global_batch=4, seq_len=16))
    assert [(p.step, round(p.loss, 4), p.tokens_seen) for p in log.points] == [
        (0, 10.5, 0),
        (10, 8.0, 640),
        (20, 7.0, 1280),
        (30, 6.4, 1920),
        (40, 6.0, 2560),
    ]
    assert round(log.points[0].eval_loss or 0, 4) == 10.6 and log.points[0].learning_rate == pytest.approx(
        1e-3
    )
    assert imported.runs == 2 and imported.dropped_steps == (20,)
    assert len(imported.overlaps) == 1 and imported.overlaps[0].replaced == 1


def test_tensorboard_tag_mapped_for_megatron_names(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(tmp_path))
    for step in (1, 2):
        writer.add_scalar("lm-loss-training/lm loss", 9.0 / step, step)
    writer.close()
    assert problems_of([tmp_path], "tensorboard", TokenRecipe(4, 8)) == [
        f"{tmp_path}: tags: no scalar tag holds the loss — name the tag with --map loss=TAG "
        "(e.g. --map 'loss=lm loss')"
    ]
    _, log = converted([tmp_path], "tensorboard", TokenRecipe(4, 8), loss="lm-loss-training/lm loss")
    assert [(p.step, p.loss) for p in log.points] == [(1, 9.0), (2, 4.5)]


# --- the command --------------------------------------------------------------------------------


def test_command_writes_a_log_the_validator_and_the_evidence_read(tmp_path: Path, capsys) -> None:
    out = tmp_path / "loss_log.csv"
    code = main(
        [
            "import-loss-log",
            str(SOURCES / "megatron.log"),
            "--format",
            "megatron",
            "--seq-len",
            "4096",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert f"wrote {out}: 4 rows from 2 run(s), 1 overlap(s) replaced, 1 non-finite row(s) dropped" in printed
    log = read_loss_log(out)
    assert log.total_tokens == 12800 * 4096 and log.notes[0].startswith(
        "source (megatron): megatron.log sha256 "
    )
    assert tokens_finding(12800 * 4096, log).gap_value == 1.0  # the evidence reads the converted log


def test_command_reports_every_problem_and_writes_nothing(tmp_path: Path, capsys) -> None:
    out = tmp_path / "loss_log.csv"
    code = main(
        ["import-loss-log", str(SOURCES / "wandb_export.csv"), "--format", "wandb", "--out", str(out)]
    )
    assert code == 1 and not out.exists()
    assert (
        "tokens_seen: the log has no token count for every row — give --global-batch G"
        in capsys.readouterr().err
    )


def test_import_loss_log_replaces_the_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "loss_log.csv"
    out.write_text("old")
    import_loss_log([SOURCES / "pandas_export.csv"], out, ImportOptions("csv", {}))
    assert out.read_text().startswith("# source (csv): pandas_export.csv sha256 ")
    assert not (tmp_path / "loss_log.csv.tmp").exists()
