"""docs/scoring.md's worked example is scored by the engine: the page cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from frameworks.schema import read_framework_file
from frameworks.scoring.engine import score_assessment
from frameworks.scoring.rules import Answer

from .conftest import SHIPPED

DOC = (Path(settings.BASE_DIR) / "docs" / "scoring.md").read_text(encoding="utf-8")
EXAMPLE = {
    "CS-01": Answer(option=2),
    "CS-02": Answer(option=1),
    "CS-03": Answer(number=5),
    "CS-04": Answer(option=2),
    "CS-05": Answer(option=1),
    "CS-06": Answer(option=2),
    "CS-07": Answer(option=2),
    "CS-08": Answer(number=82),
    "CS-09": Answer(option=1),
    "CS-10": Answer(selected=frozenset({0, 2, 3})),
    "CS-11": Answer(text="Legacy systems we cannot patch"),
}


@pytest.fixture(scope="module")
def definition():
    return read_framework_file(SHIPPED)


def cyber(definition, answers):
    return next(d for d in score_assessment(definition, answers).domains if d.code == "CS")


def test_example_answers_are_the_ones_in_the_table(definition):
    domain = next(d for d in definition.domains if d.code == "CS")
    options = {q.code: q.options for q in domain.questions}
    assert options["CS-01"][2].stage == "established"
    assert options["CS-02"][1].label == "No"
    assert options["CS-05"][1].stage == "developing"
    ticked = [options["CS-10"][i].label for i in sorted(EXAMPLE["CS-10"].selected)]
    assert ticked[0].startswith("Multi-factor authentication")
    assert ticked[1].startswith("Encryption")
    assert ticked[2].startswith("Regular simulated phishing")
    for code in domain.questions:
        assert f"| {code.code} {code.title}" in DOC


def test_worked_example_score_stage_and_words_match_the_page(definition):
    result = cyber(definition, EXAMPLE)
    assert f"{result.score:.1f}" == "52.5"
    assert "the domain score is 100 × 5.253 ÷ 10 = **52.5**" in DOC
    assert result.stage == "developing"
    assert "the domain is **Developing**" in DOC
    assert f"> {result.explanation.summary}" in DOC
    assert f"> {result.explanation.next_steps}" in DOC


def test_following_the_advice_gives_the_page_result(definition):
    result = cyber(definition, {**EXAMPLE, "CS-02": Answer(option=0)})
    assert f"{result.score:.1f}" == "62.5"
    assert result.stage == "established"
    assert "the score becomes 100 × 6.253 ÷ 10 = 62.5 and the domain is Established" in DOC
