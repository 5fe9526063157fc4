"""Barriers as data: the framework's list, barriers questions, and what the engine makes of them."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from frameworks.schema import FrameworkFileError, dump_framework, read_framework_text
from frameworks.scoring.engine import score_assessment
from frameworks.scoring.rules import Answer, cited_barriers
from frameworks.scoring.vectorised import answers_frame, score_frame
from frameworks.selectors import framework_definition
from frameworks.services import framework_import
from tests.factories import BARRIERS, barriers_document, barriers_question

SOURCE = "test.yaml"


def read(found: dict):
    return read_framework_text(yaml.safe_dump(found, sort_keys=False), source=SOURCE)


def errors_of(found: dict) -> list[str]:
    with pytest.raises(FrameworkFileError) as caught:
        read(found)
    return caught.value.errors


def test_barriers_are_read_offered_by_barriers_questions_and_written_back_unchanged():
    definition = read(barriers_document())
    assert [b.code for b in definition.barriers] == ["funding", "legacy", "skills", "other"]
    question = definition.domains[0].questions[-1]
    assert question.type == "barriers" and not question.is_scored
    assert [option.label for option in question.options] == [b["name"] for b in BARRIERS]
    text = dump_framework(definition)
    assert "options" not in yaml.safe_load(text)["domains"][0]["questions"][-1]
    assert list(yaml.safe_load(text))[:7][-1] == "barriers"  # after the stages, before domains
    assert dump_framework(read_framework_text(text, source=SOURCE)) == text


@pytest.mark.django_db
def test_barriers_survive_the_database_byte_for_byte():
    definition = read(barriers_document())
    framework = framework_import(definition=definition, publish=True, user=None).framework
    assert framework.barriers[0] == BARRIERS[0]
    assert dump_framework(framework_definition(framework=framework)) == dump_framework(definition)


def test_a_condition_may_test_a_barriers_answer_by_barrier_name():
    follow_up = {
        "code": "D2-BR",
        "title": "Funding gap",
        "text": "How large is the funding gap?",
        "guidance": "Roughly.",
        "type": "free_text",
        "mandatory": False,
        "shown_when": {"all": [{"question": "D1-BR", "equals": "Financial constraints"}]},
    }
    definition = read(barriers_document(questions={2: follow_up}))
    [condition] = definition.domains[1].questions[-1].shown_when.conditions
    assert condition.value == "Financial constraints"


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            {
                2: {
                    **barriers_question("D2-BR"),
                    "type": "free_text",
                    "shown_when": {"all": [{"question": "D1-BR", "equals": "Weather"}]},
                }
            },
            "domains[1].questions[3].shown_when.all[0].equals",
            "'Weather' is not one of the framework's barriers",
        ),
        (
            {
                2: {
                    **barriers_question("D2-BR"),
                    "type": "free_text",
                    "shown_when": {"all": [{"question": "D1-BR", "at_least": "Legacy systems"}]},
                }
            },
            "domains[1].questions[3].shown_when.all[0].at_least",
            "a barriers answer is tested with equals or one_of",
        ),
        (
            {1: barriers_question("D1-BR", options=[{"label": "A", "score": 0}])},
            "domains[0].questions[8].options",
            "barriers questions have no options",
        ),
        (
            {1: barriers_question("D1-BR", weight=2)},
            "domains[0].questions[8].weight",
            "a barriers question is never scored",
        ),
        (
            {1: barriers_question("D1-BR", gate={"stage": "established"})},
            "domains[0].questions[8].gate",
            "a barriers question is never scored, so it cannot be a gate",
        ),
    ],
)
def test_a_malformed_barriers_question_is_refused_with_its_key_path(change, path, message):
    errors = errors_of(barriers_document(questions=change))
    assert any(e.startswith(f"{SOURCE}: {path}: {message}") for e in errors), errors


def test_a_barriers_question_needs_the_framework_list():
    errors = errors_of(barriers_document(barriers=None))
    assert any(
        e.startswith(f"{SOURCE}: domains[0].questions[8].type: a barriers question offers")
        for e in errors
    ), errors


@pytest.mark.parametrize(
    ("barriers", "path", "message"),
    [
        ([BARRIERS[0], BARRIERS[0]], "barriers[1]", "duplicate barrier code 'funding'"),
        (
            [BARRIERS[0], {**BARRIERS[1], "name": BARRIERS[0]["name"]}],
            "barriers[1]",
            "duplicate barrier name",
        ),
        ([BARRIERS[0], {**BARRIERS[1], "code": "Legacy"}], "barriers[1].code", "'Legacy' does"),
        ([BARRIERS[0], {"code": "x", "name": "X"}], "barriers[1].description", "is required"),
        ([BARRIERS[0]], "barriers", "must have at least 2"),
        ([BARRIERS[0], {**BARRIERS[1], "score": 1}], "barriers[1].score", "unknown key"),
    ],
)
def test_a_malformed_barriers_list_is_refused_with_its_key_path(barriers, path, message):
    errors = errors_of(barriers_document(barriers=barriers))
    assert any(e.startswith(f"{SOURCE}: {path}: {message}") for e in errors), errors


@pytest.mark.django_db
def test_a_refused_file_writes_nothing(tmp_path):
    from frameworks.models import Framework
    from frameworks.services import framework_load

    unknown = barriers_question(
        "D2-BR",
        type="free_text",
        shown_when={"all": [{"question": "D1-BR", "equals": "Weather"}]},
    )
    path = tmp_path / "framework.yaml"
    bad = barriers_document(questions={2: unknown})
    path.write_text(yaml.safe_dump(bad, sort_keys=False), encoding="utf-8")
    with pytest.raises(FrameworkFileError):
        framework_load(path=path, publish=True)
    assert not Framework.objects.exists()


# --- the engine ----------------------------------------------------------------------------------


def test_the_barriers_named_are_kept_per_domain_in_the_framework_order():
    definition = read(barriers_document())
    answers = {
        "D1-BR": Answer(selected=frozenset({2, 0})),
        "D2-BR": Answer(selected=frozenset({3}), text="Estates"),
    }
    assert cited_barriers(definition, answers) == {
        "D1": ("funding", "skills"),
        "D2": ("other",),
    }
    assert score_assessment(definition, answers).barriers == cited_barriers(definition, answers)


def test_a_barriers_question_not_asked_names_nothing():
    follow_up = barriers_question(
        "D2-BR",
        shown_when={"all": [{"question": "D2-01", "at_least": "Advanced practice for D2-01"}]},
    )
    definition = read(barriers_document(questions={2: follow_up}))
    answers = {"D2-01": Answer(option=0), "D2-BR": Answer(selected=frozenset({1}))}
    assert score_assessment(definition, answers).barriers == {}
    answers["D2-01"] = Answer(option=3)
    assert score_assessment(definition, answers).barriers == {"D2": ("legacy",)}


ANSWER_SETS = st.fixed_dictionaries(
    {
        "D1-01": st.integers(0, 3).map(lambda i: Answer(option=i)),
        "D2-01": st.integers(0, 3).map(lambda i: Answer(option=i)),
    },
    optional={
        "D1-BR": st.frozensets(st.integers(0, 3), min_size=1, max_size=3).map(
            lambda chosen: Answer(selected=chosen)
        ),
        "D2-BR": st.frozensets(st.integers(0, 3), min_size=1, max_size=3).map(
            lambda chosen: Answer(selected=chosen, text="Described")
        ),
    },
)


@settings(max_examples=60, deadline=None)
@given(ANSWER_SETS)
def test_barriers_never_change_a_score_one_by_one_or_vectorised(answers):
    definition = read(barriers_document())
    without = {code: answer for code, answer in answers.items() if not code.endswith("-BR")}
    scored = score_assessment(definition, answers)
    plain = score_assessment(definition, without)
    outcomes = [(d.score, d.stage, d.incomplete) for d in scored.domains]
    assert outcomes == [(d.score, d.stage, d.incomplete) for d in plain.domains]
    assert scored.overall == plain.overall
    frame = score_frame(definition, answers_frame({"trust": answers}))
    for domain in scored.domains:
        row = frame.loc["trust"]
        assert row[f"{domain.code}.stage"] == domain.stage
        assert bool(row[f"{domain.code}.incomplete"]) == domain.incomplete
        if domain.score is not None:
            assert row[f"{domain.code}.score"] == domain.score
