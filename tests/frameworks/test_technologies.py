"""Technologies to adopt, in the framework file, and a trust's readiness for each."""

from __future__ import annotations

import pytest
import yaml

from frameworks.schema import FrameworkFileError, dump_framework, read_framework_text
from frameworks.scoring.readiness import technology_readiness
from frameworks.scoring.rules import Answer
from frameworks.selectors import framework_definition
from frameworks.services import framework_import
from tests.factories import small_framework_definition

SOURCE = "test.yaml"
REMOTE_MONITORING = {
    "code": "remote-monitoring",
    "name": "Remote patient monitoring",
    "description": "Patients' readings reach clinicians from home.",
    "prerequisites": [
        {"domain": "D1", "stage": "established", "why": "Devices need reliable infrastructure."},
        {"question": "D1-YN", "equals": "Yes", "why": "It needs a board-owned strategy."},
        {"question": "D1-PC", "at_least": 60, "why": "Staff must be trained to act on readings."},
    ],
}


def document(*technologies) -> dict:
    found = yaml.safe_load(dump_framework(small_framework_definition()))
    if technologies:
        found["technologies"] = list(technologies)
    return found


def read(found: dict):
    return read_framework_text(yaml.safe_dump(found, sort_keys=False), source=SOURCE)


def test_technologies_are_read_and_written_back_unchanged():
    definition = read(document(REMOTE_MONITORING))
    [technology] = definition.technologies
    assert [p.domain or p.condition.question for p in technology.prerequisites] == [
        "D1",
        "D1-YN",
        "D1-PC",
    ]
    text = dump_framework(definition)
    assert dump_framework(read_framework_text(text, source=SOURCE)) == text


@pytest.mark.django_db
def test_technologies_survive_the_database_byte_for_byte():
    definition = read(document(REMOTE_MONITORING))
    framework = framework_import(definition=definition, publish=True, user=None).framework
    assert dump_framework(framework_definition(framework=framework)) == dump_framework(definition)


def test_a_framework_without_technologies_is_written_as_before():
    assert "technologies" not in dump_framework(small_framework_definition())


@pytest.mark.parametrize(
    ("prerequisite", "path", "message"),
    [
        ({"domain": "D9", "stage": "established", "why": "x"}, "domain", "'D9' is not one of"),
        ({"domain": "D1", "stage": "legendary", "why": "x"}, "stage", "'legendary' is not one"),
        ({"domain": "D1", "stage": "initial", "why": "x"}, "stage", "every domain reaches"),
        ({"question": "D9-99", "equals": "Yes", "why": "x"}, "question", "'D9-99' is not a"),
        ({"question": "D1-YN", "equals": "Maybe", "why": "x"}, "equals", "'Maybe' is not an"),
        ({"domain": "D1", "question": "D1-YN", "why": "x"}, "", "names a domain or a question"),
        ({"why": "x"}, "", "needs a domain and a stage, or a question and a test"),
        ({"domain": "D1", "stage": "established"}, "why", "is required"),
    ],
)
def test_a_malformed_prerequisite_is_refused_with_its_key_path(prerequisite, path, message):
    technology = {**REMOTE_MONITORING, "prerequisites": [prerequisite]}
    with pytest.raises(FrameworkFileError) as caught:
        read(document(technology))
    where = "technologies[0].prerequisites[0]" + (f".{path}" if path else "")
    assert any(e.startswith(f"{SOURCE}: {where}: {message}") for e in caught.value.errors), (
        caught.value.errors
    )


def test_duplicate_technology_codes_are_refused():
    with pytest.raises(FrameworkFileError) as caught:
        read(document(REMOTE_MONITORING, REMOTE_MONITORING))
    assert any("duplicate code 'remote-monitoring'" in e for e in caught.value.errors)


def test_readiness_names_each_unmet_prerequisite_and_why():
    definition = read(document(REMOTE_MONITORING))
    answers = {"D1-YN": Answer(option=0), "D1-PC": Answer(number=45.0)}
    [not_yet] = technology_readiness(definition, answers, {"D1": "developing", "D2": "advanced"})
    assert not not_yet.ready
    assert [p.why for p in not_yet.unmet] == [
        "Devices need reliable infrastructure.",
        "Staff must be trained to act on readings.",
    ]
    answers["D1-PC"] = Answer(number=60.0)
    [ready] = technology_readiness(definition, answers, {"D1": "advanced", "D2": None})
    assert ready.ready and ready.unmet == ()
    # An incomplete domain has no stage, so it meets no stage prerequisite.
    [incomplete] = technology_readiness(definition, answers, {"D1": None})
    assert [p.domain for p in incomplete.unmet] == ["D1"]
