"""Prompts and answer extraction for the suite's generative multiple-choice tasks.

Each task YAML beside this file names its source; the functions here only turn a row of the
dataset's real schema into a prompt and score the answer extracted from a model's text.
"""

from __future__ import annotations

import re
from typing import Any

LETTERS = "ABCDEFGHIJ"

# --- KMMLU-Pro and KMMLU-Redux: options numbered 1..n, answer = 1-based index ---------------

_NUMBERED_INSTRUCTION = (
    "다음 문제를 읽고 보기 중에서 정답을 고르세요. 풀이 과정을 적은 뒤, 마지막 줄에 "
    '"정답: (번호)" 형식으로 정답 번호 하나만 쓰세요.'
)


def numbered_prompt(doc: dict[str, Any]) -> str:
    options = "\n".join(f"{i}. {str(o).strip()}" for i, o in enumerate(doc["options"], start=1))
    return f"{_NUMBERED_INSTRUCTION}\n\n{str(doc['question']).strip()}\n\n{options}\n"


def numbered_target(doc: dict[str, Any]) -> str:
    return str(int(doc["answer"]))


_NUMBER_ANSWER = re.compile(r"정답\s*[:：은는]?\s*\(?\s*([1-9][0-9]?)")
_BOXED_NUMBER = re.compile(r"\\boxed\{\s*([1-9][0-9]?)\s*\}")


def extract_number(text: str) -> str | None:
    """The last "정답: N" (or \\boxed{N}) in the text: a reasoning model may restate options first."""
    found = _NUMBER_ANSWER.findall(text) or _BOXED_NUMBER.findall(text)
    return found[-1] if found else None


def score_numbered(doc: dict[str, Any], results: list[str]) -> dict[str, float]:
    """Mean over the sampled answers of 1 if the extracted number is the answer's."""
    target = numbered_target(doc)
    return {"exact_match": sum(extract_number(r) == target for r in results) / len(results)}


# --- KoBALT-700: the question holds its ten options (A-J); answer is a letter --------------
# Prompt and extraction as in the authors' inference scripts (github snunlp/KoBALT-700,
# data/inference_*.py): a system line, the question, the answer format, then the cue to
# think step by step; the answer is the distinct A-J letters in the LAST "정답은 … 입니다".

KOBALT_SYSTEM = "당신은 문제를 해결하는 전문가입니다."
KOBALT_TEMPLATE = (
    "다음 문제에 대해서 충분히 생각하고 추론하여, "
    "10개의 보기(A, B, C, D, E, F, G, H, I, J) 중 정답을 고르세요.\n\n"
    "{question}\n\n"
    '답변은 반드시 다음 형식을 엄격히 지켜야 합니다: "정답은 [정답 보기]입니다."로 끝나야하고, '
    "[정답 보기]는 A, B, C, D, E, F, G, H, I, J 중 하나여야 합니다."
    "정답: 문제를 풀기 위해, 한 번 천천히 생각해봅시다."
)
_KOBALT_ANSWER = re.compile(r"정답은\s*(.*?)\s*입니다")


def kobalt_prompt(doc: dict[str, Any]) -> str:
    return f"{KOBALT_SYSTEM}\n\n{KOBALT_TEMPLATE.format(question=str(doc['Question']).strip())}"


def kobalt_extract(text: str) -> str | None:
    matches = _KOBALT_ANSWER.findall(text)
    if not matches:
        return None
    letters = list(dict.fromkeys(re.findall(r"[A-J]", matches[-1])))
    return ", ".join(letters) if letters else None


def score_kobalt(doc: dict[str, Any], results: list[str]) -> dict[str, float]:
    target = str(doc["Answer"]).strip()
    return {"exact_match": sum(kobalt_extract(r) == target for r in results) / len(results)}


# --- CLIcK and MMMLU (Korean), generative: answer with one letter ---------------------------


def first_letter(text: str, letters: str) -> str | None:
    """The answer letter: the last one after "정답" if the text says it, else the first
    standalone letter (not part of a word)."""
    said: list[str] = re.findall(r"정답\s*[:：은는]?\s*\(?([" + letters + r"])\)?(?![A-Za-z])", text)
    if said:
        return said[-1]
    found = re.search(r"(?<![A-Za-z])\(?([" + letters + r"])\)?(?![A-Za-z])", text.strip())
    return found.group(1) if found else None


def click_prompt(doc: dict[str, Any]) -> str:
    """lm-eval's CLIcK wording (click/click_lang/utils.get_context), listing every option:
    lm-eval shows only A-D, so the 49 CSAT items whose answer is E never show it."""
    options = ", ".join(f"{LETTERS[i]}: {o}" for i, o in enumerate(doc["choices"]))
    letters = ", ".join(LETTERS[: len(doc["choices"])])
    head = "주어진 맥락을 천천히 읽고, 질문에 대한" if doc.get("paragraph") else "주어진 질문을 천천히 읽고,"
    context = f"맥락: {doc['paragraph']}\n" if doc.get("paragraph") else ""
    return (
        f"{head} 적절한 정답을 {letters} 중에 골라 알파벳 하나로 답하시오.\n\n"
        f"{context}질문: {doc['question']}\n보기:\n{options}\n정답:"
    )


def score_click(doc: dict[str, Any], results: list[str]) -> dict[str, float]:
    letters = LETTERS[: len(doc["choices"])]
    target = letters[doc["choices"].index(doc["answer"])]
    return {"exact_match": sum(first_letter(r, letters) == target for r in results) / len(results)}


def mmmlu_prompt(doc: dict[str, Any]) -> str:
    """lm-eval's MMMLU wording (openai-mmmlu/default/_default_template_yaml) with an instruction
    to answer with the letter, since the answer is generated rather than scored by likelihood."""
    return (
        "다음 질문에 알맞은 답을 A, B, C, D 중에서 골라 알파벳 하나로 답하시오.\n\n"
        f"{str(doc['Question']).strip()}\nA. {doc['A']}\nB. {doc['B']}\nC. {doc['C']}\nD. {doc['D']}\nAnswer:"
    )


def score_mmmlu(doc: dict[str, Any], results: list[str]) -> dict[str, float]:
    target = str(doc["Answer"]).strip()
    return {"exact_match": sum(first_letter(r, "ABCD") == target for r in results) / len(results)}
