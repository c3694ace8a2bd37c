"""The submission manifest (``submission.yaml``), version 1, as typed data.

Teams write this file; everything on a model's page that says *declared* comes
from here. The models only hold data and validate it. :func:`load_manifest`
reads one file and turns every mistake into a :class:`~kleaderboard.errors.Problem`
that names the file, the field, what is wrong and the fix.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import types
import typing
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    PrivateAttr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kleaderboard import display
from kleaderboard.errors import ManifestError, Problem
from kleaderboard.identifiers import GitHubLogin, HubRepoId, commit_sha_error, is_commit_sha
from kleaderboard.kinds import Mode
from kleaderboard.submission import untrusted
from kleaderboard.suggest import perhaps

SCHEMA_VERSION = 1
PENDING = "pending"
MAX_PROBLEMS = 50  # per file: past this, one line says how many more


def _fail(message: str, fix: str, field: str = "") -> PydanticCustomError:
    # field: for a check across a whole model, the key the problem is about (a model
    # validator's errors carry no location of their own)
    return PydanticCustomError("kleaderboard", message, {"fix": fix, "field": field})


def _check_revision(value: str) -> str:
    if value != PENDING and not is_commit_sha(value):
        raise commit_sha_error(
            value,
            "use the 40-character lowercase hex commit of the model repo "
            "(a branch or tag can move), or 'pending' if it is not known yet",
        )
    return value


def _check_relative_path(value: str) -> str:
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or "\\" in value or not value.strip():
        raise PydanticCustomError(
            "kleaderboard",
            f"{value!r} is not a plain relative path",
            {"fix": "give a path inside the submission folder, without '..' or a leading '/'"},
        )
    return value


def _not_bool(value: Any) -> Any:
    # YAML reads yes/no/on/off as booleans and Python counts True as 1: no number may be one.
    if isinstance(value, bool):
        raise _fail(f"{str(value).lower()} is not a number", "write the number itself")
    return value


def _not_number(value: Any) -> Any:
    # pydantic would read a number as a Unix timestamp: 20260131 would become a date in 1970.
    if isinstance(value, int | float):
        raise _fail(f"{value!r} is not a date", "write dates as YYYY-MM-DD, e.g. 2026-01-31")
    return value


def _check_loss_log_name(value: str) -> str:
    if value != "loss_log.csv":
        raise PydanticCustomError(
            "kleaderboard",
            f"{value!r} is not where loss logs live",
            {"fix": "name the file loss_log.csv, beside submission.yaml, and write loss_log: loss_log.csv"},
        )
    return value


def parse_count(value: str) -> int:
    """A positive parameter count: '7000000000', '7,000,000,000', '7B', '1.5T', '560M'."""
    match = re.fullmatch(r"\s*([0-9][0-9_,]*(?:\.[0-9]+)?)\s*([kKmMbBtT]?)\s*", value)
    if not match:
        raise ValueError(f"{value!r} is not a count — write e.g. 7000000000 or 7B")
    scale = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}[match[2].lower()]
    try:
        number = Decimal(match[1].replace(",", "").replace("_", "")) * scale
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a count — write e.g. 7000000000 or 7B") from None
    if number != number.to_integral_value() or number <= 0:
        raise ValueError(f"{value!r} is not a positive whole number of parameters")
    return int(number)


def _count(value: Any) -> Any:
    # 'total: 16B' reads as text in YAML: accepted, and the page shows that it was rounded.
    if isinstance(value, str):
        try:
            return parse_count(value)
        except ValueError:
            raise _fail(
                f"{value!r} is not a parameter count",
                "write the exact integer, e.g. 16384000000 (preferred), or a rounded count such as 16B",
            ) from None
    return value


LossLogName = Annotated[str, AfterValidator(_check_loss_log_name)]
Revision = Annotated[str, AfterValidator(_check_revision)]
RelativePath = Annotated[str, AfterValidator(_check_relative_path)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(max_length=4000)]
PositiveInt = Annotated[int, Field(gt=0), BeforeValidator(_not_bool)]
ParameterCount = Annotated[
    int,
    Field(gt=0),
    BeforeValidator(_not_bool),
    BeforeValidator(_count),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "exclusiveMinimum": 0},
                {"type": "string", "pattern": "^\\s*[0-9][0-9_,]*(\\.[0-9]+)?\\s*[kKmMbBtT]?\\s*$"},
            ]
        }
    ),
]
Share = Annotated[float, Field(ge=0, le=1), BeforeValidator(_not_bool)]
NonNegativeInt = Annotated[int, Field(ge=0), BeforeValidator(_not_bool)]
NonNegativeFloat = Annotated[float, Field(ge=0), BeforeValidator(_not_bool)]
Number = Annotated[float, BeforeValidator(_not_bool)]
Flag = Annotated[bool, Field(strict=True)]  # true or false only; not 1, nor "yes" in quotes
Date = Annotated[dt.date, BeforeValidator(_not_number)]


class InnovationTag(StrEnum):
    """Architectural features the site can group and compare; 'other' plus free text for the rest."""

    mla = "mla"
    moe = "moe"
    gqa = "gqa"
    mqa = "mqa"
    hybrid_attention = "hybrid-attention"
    sliding_window = "sliding-window"
    multi_token_prediction = "multi-token-prediction"
    depth_up_scaling = "depth-up-scaling"
    differential_attention = "differential-attention"
    linear_attention = "linear-attention"
    state_space = "state-space"
    custom_tokenizer = "custom-tokenizer"
    other = "other"


class EnteredBy(StrEnum):
    """Who wrote the manifest: the team itself, or maintainers from public sources."""

    team = "team"
    maintainers = "maintainers"


class Relation(StrEnum):
    """How a component of the submitted model relates to where it came from."""

    trained_from_zero = "trained_from_zero"
    initialised_from = "initialised_from"
    frozen_from = "frozen_from"
    distilled_from = "distilled_from"
    architecture_only = "architecture_only"
    extended_from = "extended_from"  # e.g. a tokenizer whose vocabulary extends another's


BORROWED_WEIGHTS = {Relation.initialised_from, Relation.frozen_from}


class Strict(BaseModel):
    """Base of every manifest model: unknown keys are mistakes, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False, allow_inf_nan=False)


class Team(Strict):
    name: ShortText = Field(description="The team or organisation as it should appear on the site.")
    contact: ShortText = Field(description="An e-mail address or URL where maintainers reach the team.")
    github: list[GitHubLogin] = Field(
        default_factory=list,
        max_length=20,
        description="GitHub accounts that own this submission folder: once merged, they may change it "
        "in later pull requests. A new submission's pull request must list its author here.",
    )


class Parameters(Strict):
    total: ParameterCount = Field(
        description="All parameters, counting every expert: the exact integer (preferred) or e.g. '16B'."
    )
    active: ParameterCount | None = Field(
        default=None, description="Parameters used per token (MoE); omit for a dense model."
    )
    _rounded: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _remember_rounded(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Parameters:
        parameters: Parameters = handler(data)
        if isinstance(data, dict):
            parameters._rounded = {
                k: v for k, v in data.items() if k in ("total", "active") and isinstance(v, str)
            }
        return parameters

    @property
    def rounded(self) -> dict[str, str]:
        """The counts given as text ('16B'), as written: the page shows they were rounded."""
        return dict(self._rounded)

    @model_validator(mode="after")
    def _active_not_above_total(self) -> Parameters:
        if self.active is not None and self.active > self.total:
            raise _fail("active parameters exceed total parameters", "active must be <= total")
        return self


class Sampling(Strict):
    """The sampling a model card recommends for its reasoning mode (declared, with its source)."""

    temperature: NonNegativeFloat
    top_p: Annotated[float, Field(gt=0, le=1), BeforeValidator(_not_bool)] | None = None
    source: HttpUrl = Field(description="The model card or report that recommends it.")


class ModelSpec(Strict):
    name: ShortText = Field(description="Display name of the model.")
    hub_repo: HubRepoId | None = Field(default=None, description="Hugging Face repo id (owner/name).")
    revision: Revision | None = Field(
        default=None, description="40-hex commit of the Hub repo, or 'pending'."
    )
    local_path: RelativePath | None = Field(
        default=None, description="Weights inside the submission folder (demo and tests only)."
    )
    precision: Literal["float32", "bfloat16", "float16"] = "bfloat16"
    parameters: Parameters
    context_length: PositiveInt | None = None
    vocab_size: PositiveInt | None = Field(
        default=None, description="Tokenizer vocabulary size; the loss-log check compares ln(V)."
    )
    architecture: ShortText = Field(description="One line, e.g. 'decoder-only MoE, MLA, 48 layers'.")
    modes: list[Mode] = Field(default_factory=lambda: [Mode.base], min_length=1)
    chat_template: Flag = Field(default=False, description="Evaluate with the model's chat template.")
    think_end_token: ShortText | None = Field(
        default=None,
        description="Marks the end of the reasoning, e.g. </think>; the answer after it is scored.",
    )
    sampling: Sampling | None = Field(
        default=None,
        description="Recommended temperature/top-p; replaces the suite's in the modes where it samples.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> ModelSpec:
        if (self.hub_repo is None) == (self.local_path is None):
            raise _fail(
                "give exactly one of hub_repo and local_path",
                "public models use hub_repo plus revision; local_path is for the demo",
            )
        if Mode.think_on in self.modes and not self.think_end_token:
            raise _fail(
                "mode think_on needs think_end_token",
                "add think_end_token: the string that ends the reasoning, e.g. </think>",
            )
        if any(m is not Mode.base for m in self.modes) and not self.chat_template:
            raise _fail(
                "instruct and think modes are evaluated through the chat template",
                "set chat_template: true, or declare only the base mode",
            )
        if self.hub_repo is not None and self.revision is None:
            raise _fail(
                "hub_repo needs a revision",
                "add revision: <40-hex commit>, or revision: pending",
            )
        return self

    @property
    def pending(self) -> bool:
        """True when the revision to evaluate is not known yet."""
        return self.revision == PENDING


class Upstream(Strict):
    model: HubRepoId = Field(description="The upstream model's Hub repo id.")
    revision: Revision | None = None


class UnnamedUpstream(Strict):
    unnamed: ShortText = Field(
        description="The upstream as the sources describe it, when they do not name it "
        "(e.g. 'an 8B-scale model, not named in the README')."
    )


class Component(Strict):
    name: ShortText = Field(description="e.g. language model, tokenizer, vision encoder, MTP head.")
    origin: Literal["own"] | Upstream | UnnamedUpstream = Field(
        description="'own', the upstream model it came from, "
        "or {unnamed: ...} when the sources do not name it."
    )
    relation: Relation

    @model_validator(mode="after")
    def _origin_fits_relation(self) -> Component:
        own = self.origin == "own"
        if self.relation is Relation.trained_from_zero and not own:
            raise _fail(
                "a component trained from zero has origin 'own'",
                "use relation architecture_only to credit an upstream design",
            )
        if self.relation is not Relation.trained_from_zero and own:
            raise _fail(
                f"relation {self.relation.value} needs an upstream origin",
                "set origin: {model: owner/name, revision: <commit>}",
            )
        return self


class Innovation(Strict):
    tag: InnovationTag = Field(description="One of the known tags, or 'other' with a description.")
    description: LongText = ""

    @model_validator(mode="after")
    def _other_needs_words(self) -> Innovation:
        if self.tag is InnovationTag.other and not self.description.strip():
            raise _fail("tag 'other' needs a description", "say in a sentence what the innovation is")
        return self


class LineageStep(StrEnum):
    """How a version was made from the team's own earlier version."""

    continued_pretraining = "continued_pretraining"
    depth_up_scaling = "depth_up_scaling"
    fine_tuning = "fine_tuning"
    pruning = "pruning"


SubmissionId = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9._-]{0,63}/[a-z0-9][a-z0-9._-]{0,63}$",
        description="A submission of this leaderboard, as <org>/<model> (its folder under submissions/).",
    ),
]


def _check_parent_revision(value: str) -> str:
    if not is_commit_sha(value):
        raise commit_sha_error(
            value, "name the 40-hex commit of the earlier version the weights were taken from"
        )
    return value


class OwnParent(Strict):
    submission: SubmissionId
    revision: Annotated[str, AfterValidator(_check_parent_revision)] = Field(
        description="The earlier version's Hub commit the weights were taken from (40 hex)."
    )
    how: LineageStep = Field(description="How this version was made from it.")


class Lineage(Strict):
    """A version in the team's own model family; the chain back to a from-zero start is checked."""

    family: ShortText = Field(description="The model family, shared by all its versions, e.g. 'Acme'.")
    version: ShortText = Field(description="This model's version in the family, e.g. 'v2'.")
    continued_from: OwnParent | None = Field(
        default=None, description="The team's own earlier version this one was made from; omit for a start."
    )


class Originality(Strict):
    weights_initialised_from_zero: Flag | None = Field(
        description="true or false; null only in a maintainers' entry whose public sources do not say."
    )
    claim_source: HttpUrl | None = Field(
        default=None, description="Where the team states how the model was built (card, report)."
    )
    components: list[Component] = Field(min_length=1)
    innovations: list[Innovation] = Field(default_factory=list)
    technical_report: HttpUrl | None = None
    loss_log: LossLogName | None = Field(
        default=None, description="Always loss_log.csv: the pre-training loss log beside the manifest."
    )
    lineage: Lineage | None = Field(
        default=None, description="Where this model stands among the team's own versions."
    )

    @model_validator(mode="after")
    def _zero_means_no_borrowed_weights(self) -> Originality:
        borrowed = [c.name for c in self.components if c.relation in BORROWED_WEIGHTS]
        if self.weights_initialised_from_zero and borrowed:
            raise _fail(
                f"weights_initialised_from_zero is true but {', '.join(borrowed)} "
                "start from upstream weights",
                "set weights_initialised_from_zero: false, or correct the component relations",
            )
        if self.weights_initialised_from_zero and self.lineage and self.lineage.continued_from:
            raise _fail(
                "weights_initialised_from_zero is true but lineage.continued_from names an earlier version",
                "set weights_initialised_from_zero: false; the page shows the chain back to the "
                "version that started from zero",
            )
        return self


class TrainingCost(Strict):
    gpu_type: ShortText | None = None
    gpu_count: PositiveInt | None = None
    gpu_hours: NonNegativeFloat | None = None
    tokens: PositiveInt | None = Field(default=None, description="Pre-training tokens.")
    start: Date | None = None
    end: Date | None = None


class ServingCost(Strict):
    price_per_1m_input_tokens_usd: NonNegativeFloat | None = None
    price_per_1m_output_tokens_usd: NonNegativeFloat | None = None
    reference_hardware: ShortText | None = None


class Cost(Strict):
    training: TrainingCost = Field(default_factory=TrainingCost)
    serving: ServingCost = Field(default_factory=ServingCost)


class SourceType(StrEnum):
    """Kinds of pre-training data, for the declared token shares."""

    web = "web"
    books = "books"
    code = "code"
    academic = "academic"
    news = "news"
    conversation = "conversation"
    government = "government"
    synthetic = "synthetic"
    other = "other"


SHARE_TOLERANCE = 0.02  # declared shares are rounded: a sum within 2 points of 1 is accepted


class TrainingData(Strict):
    """What the pre-training data was, as the team declares it (token shares from 0 to 1)."""

    languages: dict[Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")], Share] = Field(
        default_factory=dict,
        description="Token share per language (ISO 639 code, e.g. ko, en); 'code' goes under source types.",
    )
    source_types: dict[SourceType, Share] = Field(
        default_factory=dict, description="Token share per kind of source, e.g. {web: 0.7, code: 0.1}."
    )
    synthetic_share: Share | None = Field(
        default=None, description="Share of tokens generated by models (0 to 1)."
    )

    @model_validator(mode="after")
    def _shares_add_up(self) -> TrainingData:
        for key, shares in (("languages", self.languages), ("source_types", self.source_types)):
            total = sum(shares.values())
            if shares and abs(total - 1) > SHARE_TOLERANCE:
                raise _fail(
                    f"the shares add up to {total:.3g}, not 1",
                    "give each as a fraction of all pre-training tokens (0.25 for a quarter), all of them",
                    field=f"training_data.{key}",
                )
        declared = self.source_types.get(SourceType.synthetic)
        if (
            declared is not None
            and self.synthetic_share is not None
            and abs(declared - self.synthetic_share) > 1e-9
        ):
            raise _fail(
                f"synthetic_share {self.synthetic_share} differs from source_types.synthetic {declared}",
                "give the same share in both, or one of them",
                field="training_data.synthetic_share",
            )
        return self


def _known_benchmark(name: str) -> str:
    from kleaderboard.benchmark_catalogue import catalogue, unknown_name_fix

    if catalogue().get(name) is None:
        raise _fail(f"'{name}' is not a benchmark of the catalogue", unknown_name_fix(name))
    return name


_COMMIT_PREFIX = re.compile(r"[0-9a-f]{7,40}")  # GitHub and the Hub resolve a commit's prefix
_COMMIT_IN_PATH = {
    "github.com": ("blob", "tree", "commit"),
    "huggingface.co": ("blob", "resolve", "tree", "commit"),
}


def _pinned_source(url: HttpUrl) -> HttpUrl:
    """A GitHub or Hub page must name the commit read: a branch's page changes under the claim."""
    kinds = _COMMIT_IN_PATH.get(str(url.host))
    if kinds is None:
        return url
    parts = (url.path or "").strip("/").split("/")
    pinned = any(a in kinds and _COMMIT_PREFIX.fullmatch(b) for a, b in itertools.pairwise(parts))
    if not pinned:
        raise _fail(
            f"{url} does not name the commit that was read",
            "link the file at its commit, e.g. https://github.com/ORG/REPO/blob/<commit>/README.md",
        )
    return url


class SelfReportedScore(Strict):
    benchmark: Annotated[ShortText, AfterValidator(_known_benchmark)] = Field(
        description="A name from the canonical catalogue (kleaderboard/data/benchmarks.yaml)."
    )
    value: Number
    mode: Mode | None = None
    n_shot: NonNegativeInt | None = None
    source: Annotated[HttpUrl, AfterValidator(_pinned_source)] = Field(
        description="Where the team published this number; a GitHub or Hub page at the commit read."
    )
    note: LongText = ""


class ExternalStanding(Strict):
    """A model's published figure on a leaderboard this project does not run (shown as external)."""

    leaderboard: ShortText = Field(description="e.g. Artificial Analysis Intelligence Index.")
    value: Number
    as_of: Date = Field(description="The date the leaderboard published this figure (YYYY-MM-DD).")
    source: HttpUrl = Field(description="The leaderboard's page with this figure.")


class Manifest(Strict):
    """A team's submission.yaml, version 1."""

    schema_version: Annotated[Literal[1], BeforeValidator(_not_bool)] = Field(
        description="Always 1 for this format."
    )
    entered_by: EnteredBy = Field(
        default=EnteredBy.team,
        description="'team', or 'maintainers' for a public model entered from its public sources.",
    )
    sources: list[HttpUrl] = Field(
        default_factory=list, description="Public pages every declared value was taken from."
    )
    team: Team
    model: ModelSpec
    license: ShortText = Field(description="SPDX id or the licence's name, e.g. Apache-2.0.")
    originality: Originality
    cost: Cost = Field(default_factory=Cost)
    self_reported: list[SelfReportedScore] = Field(default_factory=list)
    training_data: TrainingData | None = Field(
        default=None, description="The pre-training data, as declared."
    )
    notes: LongText = Field(default="", description="Anything a reader should know, in the team's words.")
    external: list[ExternalStanding] = Field(
        default_factory=list, description="Figures on global leaderboards run by others, with date and link."
    )

    @model_validator(mode="after")
    def _who_entered_it(self) -> Manifest:
        if self.entered_by is EnteredBy.team and self.originality.weights_initialised_from_zero is None:
            raise _fail(
                "must be true or false",
                "a team knows whether its weights started from zero: say so",
                field="originality.weights_initialised_from_zero",
            )
        if self.entered_by is EnteredBy.maintainers and not self.sources:
            raise _fail(
                "a maintainers' entry needs sources",
                "list the public pages (model card, report) the values come from",
                field="sources",
            )
        return self


# --- loading -------------------------------------------------------------------------


def load_manifest(path: Path) -> Manifest:
    """Read, parse and validate one submission.yaml; raise ManifestError listing every mistake."""
    return manifest_from_bytes(untrusted.read_bytes(path, error=ManifestError), path)


def manifest_from_bytes(data: bytes, path: Path) -> Manifest:
    """Parse and validate the bytes of submission.yaml (read from ``path``), as load_manifest."""
    text = untrusted.decode(data, path, ManifestError)
    return parse_manifest(untrusted.loads(text, path, ManifestError), path)


def parse_manifest(data: Any, path: Path | str) -> Manifest:
    """Validate already-parsed YAML data as a Manifest."""
    if data is None:
        raise ManifestError.single(path, "", "is empty (no YAML mapping)", "start from `kleaderboard new`")
    if not isinstance(data, dict):
        raise ManifestError.single(
            path, "", "must be a YAML mapping (key: value lines)", "start from `kleaderboard new`"
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        problems = [_to_problem(err, str(path)) for err in errors[:MAX_PROBLEMS]]
        if len(errors) > MAX_PROBLEMS:
            more = f"… and {display.number(len(errors) - MAX_PROBLEMS)} more problems"
            problems.append(Problem(str(path), "", more, "fix the ones above first"))
        raise ManifestError(problems) from None


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and (part[:1].isupper() or "[" in part):
            continue  # a union member's tag (Upstream, literal['own']), not a key the user wrote
        else:
            out += f".{part}" if out else str(part)
    return out


def _to_problem(err: Any, file: str) -> Problem:
    loc = tuple(err["loc"])
    field = _dotted(loc)
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return Problem(file, field, "unknown key", _suggest(loc))
    if kind == "missing":
        about = _describe(loc)
        return Problem(file, field, "is required", f"add `{loc[-1]}:`" + (f" ({about})" if about else ""))
    if kind in ("model_type", "dict_type"):
        return Problem(file, field, "must be a mapping (key: value lines)", _keys_hint(loc))
    if kind == "kleaderboard":
        return Problem(file, ctx.get("field") or field, err["msg"], ctx.get("fix", ""))
    if kind.startswith("url_"):
        return Problem(file, field, f"{err.get('input')!r} is not a full URL", "write it as https://…")
    message = err["msg"][0].lower() + err["msg"][1:]
    hint = _describe(loc)
    return Problem(file, field, message, f"expected: {hint}" if hint else "see the JSON Schema")


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class whose keys live at loc (list indices and union tags skipped)."""
    current: type[BaseModel] | None = Manifest
    for part in loc:
        if current is None:
            return None
        if isinstance(part, str) and part in current.model_fields:
            current = _model_in(current.model_fields[part].annotation)
    return current


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _describe(loc: tuple[Any, ...]) -> str:
    holder = _model_at(loc[:-1])
    if holder is None or loc[-1] not in holder.model_fields:
        return ""
    return holder.model_fields[loc[-1]].description or ""


def _keys_hint(loc: tuple[Any, ...]) -> str:
    holder = _model_at(loc)
    return f"allowed keys: {', '.join(holder.model_fields)}" if holder else "see the JSON Schema"


def _suggest(loc: tuple[Any, ...]) -> str:
    holder = _model_at(loc[:-1])
    allowed = sorted(holder.model_fields) if holder else []
    return perhaps(str(loc[-1]), allowed) or "remove it; allowed keys here: " + ", ".join(allowed)


def manifest_json_schema() -> dict[str, Any]:
    """The JSON Schema of submission.yaml, generated from the models."""
    schema = Manifest.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "kleaderboard submission.yaml (schema_version 1)"
    return schema
