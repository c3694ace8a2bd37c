"""Training tiny causal LMs from zero on CPU, with a real loss log.

Used by the embedded demo and by tests: a byte-level BPE tokenizer is trained
with ``tokenizers`` on the shipped corpus, a small ``LlamaForCausalLM`` starts
from random weights, and every logged step goes to ``loss_log.csv`` in the format
teams use. The first logged loss is close to ln(vocabulary size), as it must be
for weights that really start from zero.
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from kleaderboard import display

if TYPE_CHECKING:
    from transformers import LlamaForCausalLM, PreTrainedTokenizerFast

CORPUS_FILES = ("ko.txt", "en.txt")
SPECIAL_TOKENS = ["<pad>", "<s>", "</s>", "<unk>"]


@dataclass(frozen=True)
class TrainSpec:
    """Size and schedule of one tiny model."""

    vocab_size: int = 1024
    hidden_size: int = 64
    layers: int = 2
    heads: int = 4
    seq_len: int = 64
    batch_size: int = 16
    steps: int = 200
    learning_rate: float = 3e-3
    warmup_steps: int = 20
    log_every: int = 5
    seed: int = 0
    extra_lines: tuple[str, ...] = ()  # mixed into the corpus (the demo's leaked model: test items)


@dataclass(frozen=True)
class TrainResult:
    parameters: int
    tokens_seen: int
    first_loss: float
    last_loss: float
    seconds: float


def corpus_lines() -> list[str]:
    """The demo corpus shipped in the package, one sentence per line."""
    folder = resources.files("kleaderboard.demo") / "corpus"
    lines: list[str] = []
    for name in CORPUS_FILES:
        text = (folder / name).read_text(encoding="utf-8")
        lines.extend(line.strip() for line in text.splitlines() if line.strip())
    return lines


def train_tokenizer(lines: list[str], vocab_size: int, out_dir: Path) -> PreTrainedTokenizerFast:
    """Train a byte-level BPE tokenizer and save it in transformers' format."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(lines, trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token="<pad>",
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        model_max_length=512,
    )
    fast.save_pretrained(out_dir)
    return fast


def _token_stream(lines: list[str], tokenizer: PreTrainedTokenizerFast) -> list[int]:
    ids: list[int] = []
    for line in lines:
        ids.extend(tokenizer(line, add_special_tokens=False)["input_ids"])
        ids.append(tokenizer.eos_token_id)
    return ids


def _lr(step: int, spec: TrainSpec) -> float:
    if step < spec.warmup_steps:
        return spec.learning_rate * (step + 1) / spec.warmup_steps
    progress = (step - spec.warmup_steps) / max(1, spec.steps - spec.warmup_steps)
    return spec.learning_rate * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def build_model(spec: TrainSpec, vocab_size: int, tokenizer: PreTrainedTokenizerFast) -> LlamaForCausalLM:
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=spec.hidden_size,
        intermediate_size=spec.hidden_size * 4,
        num_hidden_layers=spec.layers,
        num_attention_heads=spec.heads,
        num_key_value_heads=spec.heads,
        max_position_embeddings=512,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    return LlamaForCausalLM(config)


def train_model(
    spec: TrainSpec,
    out_dir: Path,
    loss_log: Path,
    progress: Callable[[str], None] = print,
    start: Callable[[LlamaForCausalLM], None] | None = None,
) -> TrainResult:
    """Train one tiny model from zero; save it to out_dir and its loss log to loss_log.

    start, when given, changes the fresh model before training (loads a base's weights,
    freezes a borrowed part): the provenance demo derives models this way.
    """
    import torch

    torch.manual_seed(spec.seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    started = time.monotonic()
    lines = corpus_lines() + list(spec.extra_lines)
    tokenizer = train_tokenizer(lines, spec.vocab_size, out_dir)
    data = torch.tensor(_token_stream(lines, tokenizer), dtype=torch.long)
    model = build_model(spec, len(tokenizer), tokenizer)
    if start is not None:
        start(model)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=spec.learning_rate, weight_decay=0.01)
    generator = torch.Generator().manual_seed(spec.seed)
    rows: list[dict[str, float | int]] = []
    tokens_seen = 0
    for step in range(spec.steps):
        starts = torch.randint(0, len(data) - spec.seq_len - 1, (spec.batch_size,), generator=generator)
        batch = torch.stack([data[s : s + spec.seq_len] for s in starts.tolist()])
        for group in optimiser.param_groups:
            group["lr"] = _lr(step, spec)
        loss = model(input_ids=batch, labels=batch).loss
        optimiser.zero_grad()
        loss.backward()
        grad_norm = float(torch.nn.utils.clip_grad_norm_(trainable, 1.0))
        optimiser.step()
        tokens_seen += batch.numel()
        if step % spec.log_every == 0 or step == spec.steps - 1:
            rows.append(
                {
                    "step": step + 1,
                    "tokens_seen": tokens_seen,
                    "loss": round(loss.item(), 5),
                    "learning_rate": round(_lr(step, spec), 8),
                    "grad_norm": round(grad_norm, 5),
                }
            )
        if (step + 1) % max(1, spec.steps // 4) == 0:
            progress(f"    step {step + 1}/{spec.steps}: loss {display.loss(loss.item())}")
    model.save_pretrained(out_dir)
    _write_loss_log(loss_log, rows)
    return TrainResult(
        parameters=sum(p.numel() for p in model.parameters()),
        tokens_seen=tokens_seen,
        first_loss=float(rows[0]["loss"]),
        last_loss=float(rows[-1]["loss"]),
        seconds=time.monotonic() - started,
    )


def _write_loss_log(path: Path, rows: list[dict[str, float | int]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["step", "tokens_seen", "loss", "learning_rate", "grad_norm"]
        )
        writer.writeheader()
        writer.writerows(rows)
