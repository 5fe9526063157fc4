"""Questions asked only when earlier answers make them relevant: the file format and scoring.

A condition looks back at earlier questions only (so none can depend on itself); a question
whose condition does not hold is not asked, not mandatory and scored as not applicable, and its
stored answer counts again once the condition holds.
"""

from __future__ import annotations

import pytest
import yaml

from frameworks.models import Framework
from frameworks.schema import FrameworkFileError, dump_framework, read_framework_text
from frameworks.scoring.engine import score_assessment
from frameworks.scoring.rules import Answer
from frameworks.scoring.vectorised import answers_frame, score_frame
from frameworks.selectors import framework_definition
from frameworks.services import framework_import
from tests.factories import small_framework_definition

SOURCE = "test.yaml"


def document_with(**shown_when_by_code) -> dict:
    """The small test framework as a document, with ``shown_when`` blocks added by code."""
    document = yaml.safe_load(dump_framework(small_framework_definition()))
    for domain in document["domains"]:
        for question in domain["questions"]:
            if question["code"] in shown_when_by_code:
                question["shown_when"] = shown_when_by_code[question["code"]]
    return document


def read(document: dict):
    return read_framework_text(yaml.safe_dump(document, sort_keys=False), source=SOURCE)


def errors(document: dict) -> list[str]:
    with pytest.raises(FrameworkFileError) as caught:
        read(document)
    return caught.value.errors


CONDITIONS = {
    "D2-01": {"all": [{"question": "D1-YN", "equals": "Yes"}]},
    "D2-02": {
        "any": [
            {"question": "D1-PC", "at_least": 50},
            {"question": "D1-01", "at_least": "Established practice for D1-01"},
        ]
    },
    "D2-03": {
        "all": [{"question": "D1-MC", "one_of": ["Encryption", "Multi-factor authentication"]}]
    },
}


def test_every_kind_of_condition_is_accepted_and_written_back_unchanged():
    definition = read(document_with(**CONDITIONS))
    shown_when = {
        q.code: q.shown_when for d in definition.domains for q in d.questions if q.shown_when
    }
    assert set(shown_when) == set(CONDITIONS)
    assert shown_when["D2-02"].combine == "any"
    assert read_framework_text(dump_framework(definition), source=SOURCE) == definition
    assert dump_framework(read_framework_text(dump_framework(definition), source=SOURCE)) == (
        dump_framework(definition)
    )


@pytest.mark.django_db
def test_conditions_survive_the_database_byte_for_byte():
    definition = read(document_with(**CONDITIONS))
    framework = framework_import(definition=definition, publish=True, user=None).framework
    assert dump_framework(framework_definition(framework=framework)) == dump_framework(definition)


@pytest.mark.parametrize(
    ("shown_when", "code", "path", "message"),
    [
        (
            {"all": [{"question": "D9-99", "equals": "Yes"}]},
            "D2-01",
            "domains[1].questions[0].shown_when.all[0].question",
            "'D9-99' is not a question here",
        ),
        (
            {"all": [{"question": "D2-02", "at_least": "Advanced practice for D2-02"}]},
            "D2-01",
            "domains[1].questions[0].shown_when.all[0].question",
            "'D2-02' is not an earlier question",
        ),
        (
            {"all": [{"question": "D2-01", "equals": "Yes"}]},
            "D2-01",
            "domains[1].questions[0].shown_when.all[0].question",
            "'D2-01' is not an earlier question",
        ),
        (
            {"all": [{"question": "D1-YN", "equals": "Maybe"}]},
            "D2-01",
            "domains[1].questions[0].shown_when.all[0].equals",
            "'Maybe' is not an option of D1-YN",
        ),
        (
            {"all": [{"question": "D1-TX", "equals": "x"}]},
            "D2-01",
            "domains[1].questions[0].shown_when.all[0].question",
            "a free-text answer cannot be tested",
        ),
        (
            {"all": [{"question": "D1-MC", "at_least": "Encryption"}]},
            "D2-01",
            "domains[1].questions[0].shown_when.all[0].at_least",
            "a multiple-choice answer is tested with equals or one_of",
        ),
        (
            {"all": [{"question": "D1-PC", "at_least": 150}]},
            "D2-01",
            "domains[1].questions[0].shown_when.all[0].at_least",
            "a percentage is between 0 and 100",
        ),
        (
            {"all": [{"question": "D1-PC", "equals": "50"}]},
            "D2-01",
            "domains[1].questions[0].shown_when.all[0].equals",
            "percentage answers are tested with at_least",
        ),
        (
            {"all": [{"question": "D1-YN", "equals": "Yes", "one_of": ["No"]}]},
            "D2-01",
            "domains[1].questions[0].shown_when.all[0]",
            "must have exactly one of: equals, one_of, at_least",
        ),
        (
            {"all": [{"question": "D1-YN", "one_of": "Yes"}]},
            "D2-01",
            "domains[1].questions[0].shown_when.all[0].one_of",
            "must be a list of one or more option labels",
        ),
        (
            {"all": [], "any": []},
            "D2-01",
            "domains[1].questions[0].shown_when",
            "must have exactly one of: all, any",
        ),
        (
            {"when": [{"question": "D1-YN", "equals": "Yes"}]},
            "D2-01",
            "domains[1].questions[0].shown_when.when",
            "unknown key (allowed: all, any)",
        ),
    ],
)
def test_a_malformed_condition_is_refused_with_its_key_path(shown_when, code, path, message):
    found = errors(document_with(**{code: shown_when}))
    assert any(error.startswith(f"{SOURCE}: {path}: {message}") for error in found), found


@pytest.mark.django_db
def test_a_refused_condition_writes_nothing(tmp_path):
    from frameworks.services import framework_load

    path = tmp_path / "framework.yaml"
    bad = document_with(**{"D2-01": {"all": [{"question": "D2-03", "equals": "x"}]}})
    path.write_text(yaml.safe_dump(bad, sort_keys=False), encoding="utf-8")
    with pytest.raises(FrameworkFileError):
        framework_load(path=path, publish=True)
    assert not Framework.objects.exists()


# --- scoring -------------------------------------------------------------------------------------

FOLLOW_UP = {"D2-01": {"all": [{"question": "D1-YN", "equals": "Yes"}]}}


def scored(answers: dict[str, Answer]):
    definition = read(document_with(**FOLLOW_UP))
    one_by_one = score_assessment(definition, answers)
    frame = score_frame(definition, answers_frame({"trust": answers}), respondents=["trust"])
    return definition, one_by_one, frame.loc["trust"]


def every_answer(**overrides: Answer) -> dict[str, Answer]:
    """Every question of the small framework answered (scales at Established)."""
    answers = {f"D{d}-{q:02d}": Answer(option=2) for d in (1, 2) for q in (1, 2, 3)} | {
        "D1-YN": Answer(option=0),
        "D1-PC": Answer(number=80.0),
        "D1-NU": Answer(number=0.0),
        "D1-MC": Answer(selected=frozenset({0, 1})),
    }
    return answers | overrides


def test_a_follow_up_is_not_asked_when_its_parent_says_no_and_its_answer_returns_with_yes():
    no = Answer(option=1)
    low = Answer(option=0)
    # Asked: the follow-up's Initial answer pulls D2 down.
    _, asked, asked_row = scored(every_answer(**{"D2-01": low}))
    # Not asked: the same stored answer is ignored, as if not applicable.
    _, hidden, hidden_row = scored(every_answer(**{"D1-YN": no, "D2-01": low}))
    _, without, _ = scored(every_answer(**{"D1-YN": no, "D2-01": Answer(not_applicable=True)}))
    d2 = {result.code: result for result in hidden.domains}["D2"]
    # Established is 2 of 3 on these scales: (2 + 2) ÷ (3 + 3) = 66.7 without the follow-up;
    # with it at Initial, (0 + 2 + 2) ÷ 9 = 44.4.
    assert d2.score == {r.code: r for r in without.domains}["D2"].score == 66.7
    assert {r.code: r for r in asked.domains}["D2"].score == 44.4
    # One by one and vectorised agree either way.
    assert hidden_row["D2.score"] == 66.7 and asked_row["D2.score"] == 44.4


def test_a_hidden_mandatory_question_never_makes_a_domain_incomplete():
    answers = every_answer(**{"D1-YN": Answer(option=1)})
    del answers["D2-01"]
    _, result, row = scored(answers)
    d2 = {r.code: r for r in result.domains}["D2"]
    assert not d2.incomplete and d2.stage is not None
    assert not row["D2.incomplete"]
    # With Yes the same question is asked, and mandatory: the domain is incomplete without it.
    answers["D1-YN"] = Answer(option=0)
    _, result, row = scored(answers)
    assert {r.code: r for r in result.domains}["D2"].incomplete
    assert row["D2.incomplete"]
