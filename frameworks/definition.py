"""A framework version as plain, immutable Python values.

This is the one shape a framework takes between the file, the database and the scoring engine:
the schema validates a file into it, the loader writes it to the database, the exporter writes it
back to YAML, and the scoring engine reads it. It imports nothing from Django on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

OVERALL_RULES = ("weakest_link", "median", "score")
QUESTION_TYPES = (
    "scale",
    "yes_no",
    "single_choice",
    "multiple_choice",
    "percentage",
    "number",
    "free_text",
    "barriers",
)
UNSCORED_TYPES = ("free_text", "barriers")  # asked for the record and the national picture
SINGLE_CHOICE_TYPES = ("scale", "yes_no", "single_choice")  # one option is chosen
CHOICE_TYPES = (*SINGLE_CHOICE_TYPES, "multiple_choice")
TICKED_TYPES = ("multiple_choice", "barriers")  # answered by ticking options
MAX_BARRIERS_CHOSEN = 3
DEFAULT_WEIGHT = 1
MAX_WEIGHT = 10
MAX_OPTION_SCORE = 4
DEFAULT_GATE_MINIMUM = Decimal(1)
CONDITION_OPERATORS = ("equals", "one_of", "at_least")
CONDITION_COMBINERS = ("all", "any")


@dataclass(frozen=True)
class StageDef:
    code: str
    name: str
    descriptor: str


@dataclass(frozen=True)
class OptionDef:
    label: str
    score: int
    stage: str | None = None
    exclusive: bool = False


@dataclass(frozen=True)
class BandDef:
    label: str
    min: Decimal
    max: Decimal | None
    score: int


@dataclass(frozen=True)
class GateDef:
    stage: str
    minimum: Decimal = DEFAULT_GATE_MINIMUM


@dataclass(frozen=True)
class ConditionDef:
    """One test on an earlier question's answer, in the spirit of FHIR's ``enableWhen``.

    ``equals`` and ``one_of`` name option labels (for multiple choice: the option is among those
    ticked); ``at_least`` is a number for number and percentage questions, or an option label
    for scale and single-choice questions (that option or one after it).
    """

    question: str
    operator: str
    value: str | Decimal | tuple[str, ...]


@dataclass(frozen=True)
class ShownWhenDef:
    """When a question is asked: all or any of its conditions hold."""

    combine: str
    conditions: tuple[ConditionDef, ...]

    def describe(self, titles: dict[str, str]) -> str:
        """In words, for the page: 'LG-02 (Digital strategy) is "Yes"'; titles by code."""
        parts = []
        for condition in self.conditions:
            subject = f"{condition.question} ({titles.get(condition.question, '')})"
            if condition.operator == "equals":
                parts.append(f"{subject} is “{condition.value}”")
            elif condition.operator == "one_of":
                labels = " or ".join(f"“{label}”" for label in condition.value)
                parts.append(f"{subject} is {labels}")
            elif isinstance(condition.value, Decimal):
                parts.append(f"{subject} is at least {condition.value.normalize():f}")
            else:
                parts.append(f"{subject} is “{condition.value}” or beyond")
        joiner = " and " if self.combine == "all" else " or "
        return joiner.join(parts)

    def as_json(self) -> dict:
        """As stored in the database: numbers as text, so that none loses a digit."""
        return {
            "combine": self.combine,
            "conditions": [
                {
                    "question": condition.question,
                    "operator": condition.operator,
                    "value": list(condition.value)
                    if isinstance(condition.value, tuple)
                    else str(condition.value)
                    if isinstance(condition.value, Decimal)
                    else condition.value,
                    "number": isinstance(condition.value, Decimal),
                }
                for condition in self.conditions
            ],
        }

    @classmethod
    def from_json(cls, stored: dict) -> ShownWhenDef:
        return cls(
            combine=stored["combine"],
            conditions=tuple(
                ConditionDef(
                    question=condition["question"],
                    operator=condition["operator"],
                    value=tuple(condition["value"])
                    if isinstance(condition["value"], list)
                    else Decimal(condition["value"])
                    if condition["number"]
                    else condition["value"],
                )
                for condition in stored["conditions"]
            ),
        )


@dataclass(frozen=True)
class QuestionDef:
    code: str
    title: str
    text: str
    guidance: str
    type: str
    mandatory: bool = True
    weight: int = DEFAULT_WEIGHT
    allows_na: bool = False
    gate: GateDef | None = None
    unit: str = ""
    options: tuple[OptionDef, ...] = ()
    bands: tuple[BandDef, ...] = ()
    shown_when: ShownWhenDef | None = None  # None: always asked

    @property
    def is_scored(self) -> bool:
        return self.type not in UNSCORED_TYPES

    @cached_property
    def top_score(self) -> int:
        """The divisor that turns an option or band score into a value between 0 and 1."""
        if self.type == "multiple_choice":
            return sum(option.score for option in self.options)
        return max((item.score for item in self.options or self.bands), default=0)


@dataclass(frozen=True)
class BarrierDef:
    """Something that holds trusts back, named by barriers questions (not scored)."""

    code: str
    name: str
    description: str

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "description": self.description}


@dataclass(frozen=True)
class DomainDef:
    code: str
    name: str
    description: str
    thresholds: tuple[tuple[str, Decimal], ...]
    questions: tuple[QuestionDef, ...]
    weight: int = DEFAULT_WEIGHT


@dataclass(frozen=True)
class PrerequisiteDef:
    """What a technology needs: a domain at a stage or above, or an answer passing a test.

    Exactly one of the two: ``domain`` with ``stage``, or ``condition`` (a test on a question's
    answer, as in ``shown_when``). ``why`` says in a sentence why the technology needs it.
    """

    why: str
    domain: str | None = None
    stage: str | None = None
    condition: ConditionDef | None = None


@dataclass(frozen=True)
class TechnologyDef:
    """A medical technology a trust may adopt, and what it needs in place first."""

    code: str
    name: str
    description: str
    prerequisites: tuple[PrerequisiteDef, ...]

    def as_json(self) -> dict:
        """As stored with the framework; a test condition as in ``ShownWhenDef.as_json``."""
        return {
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "prerequisites": [
                {"why": p.why, "domain": p.domain, "stage": p.stage}
                if p.condition is None
                else {
                    "why": p.why,
                    "condition": ShownWhenDef("all", (p.condition,)).as_json()["conditions"][0],
                }
                for p in self.prerequisites
            ],
        }

    @classmethod
    def from_json(cls, stored: dict) -> TechnologyDef:
        return cls(
            code=stored["code"],
            name=stored["name"],
            description=stored["description"],
            prerequisites=tuple(
                PrerequisiteDef(why=p["why"], domain=p["domain"], stage=p["stage"])
                if "condition" not in p
                else PrerequisiteDef(
                    why=p["why"],
                    condition=ShownWhenDef.from_json(
                        {"combine": "all", "conditions": [p["condition"]]}
                    ).conditions[0],
                )
                for p in stored["prerequisites"]
            ),
        )


@dataclass(frozen=True)
class FrameworkDef:
    code: str
    version: str
    name: str
    description: str
    overall_rule: str
    overall_thresholds: tuple[tuple[str, Decimal], ...]
    stages: tuple[StageDef, ...]
    domains: tuple[DomainDef, ...] = field(default_factory=tuple)
    technologies: tuple[TechnologyDef, ...] = ()
    barriers: tuple[BarrierDef, ...] = ()  # a barriers question offers these, in this order

    @property
    def question_count(self) -> int:
        return sum(len(domain.questions) for domain in self.domains)

    @cached_property
    def has_conditions(self) -> bool:
        return any(q.shown_when for domain in self.domains for q in domain.questions)

    def domains_conditioned_on(self, domain_code: str) -> frozenset[str]:
        """The other domains with a question asked only after an answer in this domain."""
        codes = {q.code for d in self.domains if d.code == domain_code for q in d.questions}
        return frozenset(
            domain.code
            for domain in self.domains
            if domain.code != domain_code
            and any(
                condition.question in codes
                for question in domain.questions
                if question.shown_when
                for condition in question.shown_when.conditions
            )
        )
