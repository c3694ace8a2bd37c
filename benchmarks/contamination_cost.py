"""What the contamination pass costs beside the evaluation it accompanies, on the demo suite.

    PYTHONPATH=src python benchmarks/contamination_cost.py [--workspace DIR]

Trains (or reuses, in ``--workspace``) the demo's leaked model and its clean twin, evaluates
each on the demo suite with the contamination pass and the demo's private slice (as
``kleaderboard demo`` runs it), and prints, per model, the evaluation's wall time (the
scores alone: the run's wall time minus the pass) and tokens, the pass's wall time, extra
requests and tokens, and the ratio of the pass to the evaluation by tokens (the target: at
most 1×; it exits 1 above) and by time. All figures are read from the run records.

Measured on 2026-12-02 on the shared 2-core development machine (CPU, busy with other
engineers' test runs, so wall times are noisy; the token counts are not)::

    dure-labs/dure-tiny-xs: evaluation 15.2 s, 7,166 tokens; contamination pass 6.4 s,
        324 requests, 6,131 tokens; ratio by tokens 0.856×, by time 0.424×
    gureum-ai/gureum-tiny-xs: evaluation 8.7 s, 7,041 tokens; contamination pass 5.5 s,
        324 requests, 5,742 tokens; ratio by tokens 0.816×, by time 0.631×
    largest ratio by tokens: 0.856× (target: at most 1×)

Before, the perturbed copies scored every item and the pass was about 1.35× the evaluation by
tokens (484 requests, 9,596 tokens beside 7,139). The copies now score a fixed-seed half of
each task's items (adapter.PERTURBED_SHARE; the gap's error grows by √2), while membership
still reads every published item: 164 requests for the copies (21 and 20 items of four
options), 96 for the private slice,
64 membership texts. Not done: scoring the membership texts inside an lm-eval run (they are
the correct option's requests of the evaluation and of the private slice) would save the
last 64 forward passes, but needs per-token logits from lm-eval's model call.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=None, help="reuse models trained here")
    args = parser.parse_args(argv)
    workspace = args.workspace or Path(tempfile.mkdtemp(prefix="kl-contamination-cost-"))

    from kleaderboard import display
    from kleaderboard.demo.leak import private_dir
    from kleaderboard.demo.workspace import DEMO_MODELS, LEAKED_MODEL, offline_environment, prepare_model
    from kleaderboard.evaluation.runner import RunOptions, evaluate_submission
    from kleaderboard.submission.tree import load_submission
    from kleaderboard.suites import load_suite

    offline_environment(workspace)
    suite = load_suite("demo")
    ratios = []
    for model in (DEMO_MODELS[2], LEAKED_MODEL):
        manifest = prepare_model(workspace, model, lambda _: None)
        options = RunOptions(
            device="cpu", measure_cost=False, contamination=True, private_dir=private_dir(), force=True
        )
        record = evaluate_submission(load_submission(manifest), suite, options, lambda _: None)
        block = record.contamination
        if block is None or not record.measured.tokens_processed:
            print(f"{model.slug}: the run failed: {record.error}")
            return 1
        evaluation = record.measured.wall_seconds - block.seconds
        by_tokens = block.tokens / record.measured.tokens_processed
        ratios.append(by_tokens)
        print(
            f"{model.org}/{model.slug}: evaluation {display.seconds(evaluation)}, "
            f"{display.number(record.measured.tokens_processed)} tokens; "
            f"contamination pass {display.seconds(block.seconds)}, "
            f"{display.number(block.requests)} requests, {display.number(block.tokens)} tokens; "
            f"ratio by tokens {display.times(by_tokens)}, by time {display.times(block.seconds / evaluation)}"
        )
    print(f"largest ratio by tokens: {display.times(max(ratios))} (target: at most 1×)")
    return 0 if max(ratios) <= 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
