"""Small frameworks for scoring tests: hand-built ones and hypothesis strategies."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import strategies as st

from frameworks.definition import (
    BandDef,
    ConditionDef,
    DomainDef,
    FrameworkDef,
    GateDef,
    OptionDef,
    PrerequisiteDef,
    QuestionDef,
    ShownWhenDef,
    StageDef,
    TechnologyDef,
)
from frameworks.scoring.rules import Answer

STAGES = tuple(
    StageDef(code=code, name=code.capitalize(), descriptor=f"{code} stage")
    for code in ("initial", "developing", "established", "advanced")
)
THRESHOLDS = (("developing", Decimal(25)), ("established", Decimal(50)), ("advanced", Decimal(75)))


def scale(
    code: str,
    *,
    weight: int = 1,
    mandatory: bool = True,
    gate: GateDef | None = None,
    allows_na: bool = False,
) -> QuestionDef:
    return QuestionDef(
        code=code,
        title=f"Title of {code}",
        text=f"Question {code}?",
        guidance="What good looks like.",
        type="scale",
        weight=weight,
        mandatory=mandatory,
        gate=gate,
        allows_na=allows_na,
        options=tuple(
            OptionDef(label=f"{stage.name} words", score=score, stage=stage.code)
            for score, stage in enumerate(STAGES)
        ),
    )


def yes_no(code: str, *, gate: GateDef | None = None, weight: int = 1) -> QuestionDef:
    return QuestionDef(
        code=code,
        title=f"Title of {code}",
        text=f"Question {code}?",
        guidance="What good looks like.",
        type="yes_no",
        weight=weight,
        gate=gate,
        options=(OptionDef(label="Yes", score=1), OptionDef(label="No", score=0)),
    )


def question(code: str, kind: str, **fields) -> QuestionDef:
    return QuestionDef(
        code=code,
        title=f"Title of {code}",
        text=f"Question {code}?",
        guidance="What good looks like.",
        type=kind,
        weight=fields.pop("weight", 0 if kind == "free_text" else 1),
        **fields,
    )


def domain(code: str, *questions: QuestionDef, weight: int = 1, thresholds=THRESHOLDS) -> DomainDef:
    return DomainDef(
        code=code,
        name=f"Domain {code}",
        description="A domain.",
        weight=weight,
        thresholds=thresholds,
        questions=questions,
    )


def framework(*domains: DomainDef, rule: str = "weakest_link", overall=THRESHOLDS) -> FrameworkDef:
    return FrameworkDef(
        code="test",
        version="1",
        name="Test framework",
        description="For tests.",
        overall_rule=rule,
        overall_thresholds=overall,
        stages=STAGES,
        domains=domains,
    )


def at(stage_index: int) -> Answer:
    """A scale answer at the given stage (0 = Initial)."""
    return Answer(option=stage_index)


# --- hypothesis strategies ---------------------------------------------------------------------

GATE_MINIMUMS = (Decimal(1), Decimal("0.66"), Decimal("0.5"), Decimal("0.25"))


@st.composite
def increasing_thresholds(draw, count: int) -> tuple[Decimal, ...]:
    """Strictly increasing thresholds, often on round numbers so exact ties are exercised."""
    pool = st.one_of(st.sampled_from([0, 10, 25, 50, 75, 100]), st.integers(0, 100))
    values = draw(st.lists(pool, min_size=count, max_size=count, unique=True))
    return tuple(Decimal(value) for value in sorted(values))


@st.composite
def generated_question(draw, code: str, stage_codes: list[str]) -> QuestionDef:
    kind = draw(
        st.sampled_from(
            [
                "scale",
                "yes_no",
                "single_choice",
                "multiple_choice",
                "percentage",
                "number",
                "free_text",
            ]
        )
    )
    options: tuple[OptionDef, ...] = ()
    bands: tuple[BandDef, ...] = ()
    if kind == "scale":
        scores = sorted(
            draw(
                st.lists(
                    st.integers(0, 4),
                    min_size=len(stage_codes),
                    max_size=len(stage_codes),
                    unique=True,
                )
            )
        )
        options = tuple(
            OptionDef(label=f"o{i}", score=score, stage=stage)
            for i, (score, stage) in enumerate(zip(scores, stage_codes, strict=True))
        )
    elif kind == "yes_no":
        options = (OptionDef(label="Yes", score=1), OptionDef(label="No", score=0))
    elif kind in {"single_choice", "multiple_choice"}:
        scores = draw(st.lists(st.integers(0, 4), min_size=2, max_size=5).filter(any))
        options = tuple(OptionDef(label=f"o{i}", score=s) for i, s in enumerate(scores))
    elif kind == "number":
        starts = sorted(draw(st.lists(st.integers(0, 50), min_size=1, max_size=4, unique=True)))
        scores = draw(
            st.lists(st.integers(0, 4), min_size=len(starts), max_size=len(starts)).filter(any)
        )
        bands = tuple(
            BandDef(
                label=f"b{i}",
                min=Decimal(low),
                max=Decimal(starts[i + 1]) if i + 1 < len(starts) else None,
                score=score,
            )
            for i, (low, score) in enumerate(zip(starts, scores, strict=True))
        )
    scored = kind != "free_text"
    gate = None
    if scored and len(stage_codes) > 1 and draw(st.booleans()):
        gate = GateDef(
            stage=draw(st.sampled_from(stage_codes[1:])),
            minimum=draw(st.sampled_from(GATE_MINIMUMS)),
        )
    return QuestionDef(
        code=code,
        title=f"t{code}",
        text=f"q{code}",
        guidance="g",
        type=kind,
        mandatory=draw(st.booleans()),
        weight=draw(st.integers(1, 10)) if scored else 0,
        allows_na=draw(st.booleans()),
        gate=gate,
        options=options,
        bands=bands,
    )


@st.composite
def generated_technologies(
    draw, domains: list[DomainDef], stage_codes: list[str], *, monotonic: bool
) -> tuple[TechnologyDef, ...]:
    """Technologies with domain-stage and answer prerequisites. ``monotonic`` keeps to tests a
    better answer can only pass more often: a stage or above, and "at least" on scales and
    percentages."""
    questions = [q for domain_def in domains for q in domain_def.questions if q.type != "free_text"]
    if monotonic:
        questions = [q for q in questions if q.type in ("scale", "percentage")]
    technologies = []
    for number in range(draw(st.integers(1, 3))):
        prerequisites = []
        for _ in range(draw(st.integers(1, 3))):
            if questions and draw(st.booleans()):
                target = draw(st.sampled_from(questions))
                condition = draw(generated_condition(target))
                if monotonic and target.type == "scale":
                    label = draw(st.sampled_from([option.label for option in target.options]))
                    condition = ConditionDef(target.code, "at_least", label)
                prerequisites.append(PrerequisiteDef(why="Because.", condition=condition))
            elif len(stage_codes) > 1:
                prerequisites.append(
                    PrerequisiteDef(
                        why="Because.",
                        domain=draw(st.sampled_from([d.code for d in domains])),
                        stage=draw(st.sampled_from(stage_codes[1:])),
                    )
                )
        if prerequisites:
            technologies.append(
                TechnologyDef(f"tech-{number}", f"Technology {number}", "t", tuple(prerequisites))
            )
    return tuple(technologies)


@st.composite
def generated_framework(
    draw, *, conditions: bool = False, technologies: str | None = None
) -> FrameworkDef:
    """A valid framework; with ``conditions``, often with questions asked only when earlier
    answers hold; with ``technologies`` ("any" or "monotonic"), technologies to adopt."""
    stage_count = draw(st.integers(2, 5))
    stage_codes = [f"s{i}" for i in range(stage_count)]
    stages = tuple(StageDef(code=c, name=c.upper(), descriptor=c) for c in stage_codes)
    domains = []
    for d in range(draw(st.integers(1, 4))):
        questions = tuple(
            draw(generated_question(f"D{d}-{q}", stage_codes))
            for q in range(draw(st.integers(1, 6)))
        )
        thresholds = draw(increasing_thresholds(stage_count - 1))
        domains.append(
            DomainDef(
                code=f"D{d}",
                name=f"Domain {d}",
                description="d",
                weight=draw(st.integers(1, 10)),
                thresholds=tuple(zip(stage_codes[1:], thresholds, strict=True)),
                questions=questions,
            )
        )
    if conditions and draw(st.booleans()):
        domains = draw(with_conditions(domains))
    overall = draw(increasing_thresholds(stage_count - 1))
    adoptable = (
        draw(generated_technologies(domains, stage_codes, monotonic=technologies == "monotonic"))
        if technologies
        else ()
    )
    return FrameworkDef(
        code="generated",
        version="1",
        name="Generated",
        description="g",
        overall_rule=draw(st.sampled_from(["weakest_link", "median", "score"])),
        overall_thresholds=tuple(zip(stage_codes[1:], overall, strict=True)),
        stages=stages,
        domains=tuple(domains),
        technologies=adoptable,
    )


@st.composite
def generated_condition(draw, target: QuestionDef) -> ConditionDef:
    """A valid test on an earlier question's answer, of a kind its type allows."""
    labels = [option.label for option in target.options]
    if target.type in ("number", "percentage"):
        return ConditionDef(target.code, "at_least", Decimal(draw(st.sampled_from([0, 10, 50]))))
    operators = ["equals", "one_of"] + ([] if target.type == "multiple_choice" else ["at_least"])
    operator = draw(st.sampled_from(operators))
    if operator == "one_of":
        chosen = draw(st.lists(st.sampled_from(labels), min_size=1, max_size=3, unique=True))
        return ConditionDef(target.code, operator, tuple(chosen))
    return ConditionDef(target.code, operator, draw(st.sampled_from(labels)))


@st.composite
def with_conditions(draw, domains: list[DomainDef]) -> list[DomainDef]:
    """Some questions asked only when earlier answers hold, so hidden ones chain too."""
    earlier: list[QuestionDef] = []
    changed = []
    for domain_def in domains:
        questions = []
        for item in domain_def.questions:
            targets = [q for q in earlier if q.type != "free_text"]
            if targets and draw(st.integers(0, 2)) == 0:
                conditions = tuple(
                    draw(generated_condition(draw(st.sampled_from(targets))))
                    for _ in range(draw(st.integers(1, 2)))
                )
                combine = draw(st.sampled_from(["all", "any"]))
                item = dataclasses.replace(item, shown_when=ShownWhenDef(combine, conditions))
            questions.append(item)
            earlier.append(item)
        changed.append(dataclasses.replace(domain_def, questions=tuple(questions)))
    return changed


@st.composite
def generated_answer(draw, question: QuestionDef) -> Answer | None:
    if draw(st.integers(0, 9)) == 0:
        return None
    if question.allows_na and draw(st.integers(0, 7)) == 0:
        return Answer(not_applicable=True)
    match question.type:
        case "multiple_choice":
            picks = draw(st.sets(st.integers(0, len(question.options) - 1), max_size=5))
            return Answer(selected=frozenset(picks))
        case "percentage":
            return Answer(
                number=draw(
                    st.one_of(st.integers(-10, 140).map(float), st.floats(0, 100, allow_nan=False))
                )
            )
        case "number":
            return Answer(number=float(draw(st.integers(-5, 80))))
        case "free_text":
            return Answer(text=draw(st.sampled_from(["", "some words"])))
        case _:
            return Answer(option=draw(st.integers(0, len(question.options) - 1)))


@st.composite
def generated_answers(draw, definition: FrameworkDef) -> dict[str, Answer]:
    answers = {}
    for domain_def in definition.domains:
        for item in domain_def.questions:
            answer = draw(generated_answer(item))
            if answer is not None:
                answers[item.code] = answer
    return answers
