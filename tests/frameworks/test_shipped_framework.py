"""The shipped framework is complete: the seven domains of the report, four stages, guidance."""

from __future__ import annotations

import pytest

from frameworks.definition import QUESTION_TYPES
from frameworks.schema import read_framework_file

from .conftest import SHIPPED

NEXT_VERSION = SHIPPED.with_name("nhs-digital-maturity-2026.2.yaml")
SEED_DOMAINS = [
    "Leadership and Governance",
    "Workforce Capability",
    "Infrastructure and Architecture",
    "Data Utilisation and Analytics",
    "Clinical Engagement and Transformation",
    "Patient Empowerment and Digital Access",
    "Cyber Security and Information Governance",
]


SEED_BARRIERS = [  # section 5 of the report, and a way to name another
    "Financial constraints",
    "Operational pressures",
    "Legacy systems and technical debt",
    "Interoperability and data silos",
    "Digital skills and resistance to change",
    "Cyber security and data protection concerns",
    "Complex procurement",
    "Something else",
]


@pytest.fixture(scope="module")
def definition():
    return read_framework_file(SHIPPED)


def test_seven_domains_named_as_in_the_report(definition):
    assert [domain.name for domain in definition.domains] == SEED_DOMAINS


def test_four_stages_in_order(definition):
    assert [stage.name for stage in definition.stages] == [
        "Initial",
        "Developing",
        "Established",
        "Advanced",
    ]


def test_between_8_and_12_questions_per_domain_and_56_to_84_in_all(definition):
    assert all(8 <= len(domain.questions) <= 12 for domain in definition.domains)
    assert 56 <= definition.question_count <= 84


def test_every_question_has_guidance(definition):
    for domain in definition.domains:
        for question in domain.questions:
            assert len(question.guidance.split()) >= 8, question.code


def test_every_question_type_is_used_by_the_shipped_versions(definition):
    following = read_framework_file(NEXT_VERSION)
    used = {
        q.type for shipped in (definition, following) for d in shipped.domains for q in d.questions
    }
    assert used == set(QUESTION_TYPES)


def test_report_preconditions_are_gates_before_established(definition):
    gates = {
        (domain.code, question.gate.stage)
        for domain in definition.domains
        for question in domain.questions
        if question.gate is not None
    }
    assert ("LG", "established") in gates
    assert ("IA", "established") in gates


def test_scale_options_describe_each_stage_in_words(definition):
    for domain in definition.domains:
        for question in domain.questions:
            if question.type == "scale":
                labels = [option.label for option in question.options]
                assert len(set(labels)) == 4, question.code
                assert all(len(label.split()) >= 4 for label in labels), question.code


SEED_TECHNOLOGIES = {
    "AI diagnostic tools",
    "Remote patient monitoring",
    "Cloud-hosted clinical systems",
    "Shared care records across providers",
    "Connected medical devices",
}


def test_the_next_version_adds_technologies_a_follow_up_and_barriers_and_changes_nothing_else(
    definition,
):
    import dataclasses

    from frameworks.schema import dump_framework

    following = read_framework_file(NEXT_VERSION)
    assert following.version == "2026.2"
    assert {technology.name for technology in following.technologies} == SEED_TECHNOLOGIES
    assert all(
        prerequisite.why.endswith(".")
        for technology in following.technologies
        for prerequisite in technology.prerequisites
    )
    conditional = {
        q.code: q.shown_when for d in following.domains for q in d.questions if q.shown_when
    }
    assert list(conditional) == ["CS-03"]
    assert conditional["CS-03"].conditions[0].question == "CS-02"
    assert [barrier.name for barrier in following.barriers] == SEED_BARRIERS
    # Each domain's "main barrier" question, free text before, now names barriers.
    earlier = {q.code: q for d in definition.domains for q in d.questions}
    barriers_questions = [
        [q.code for q in d.questions if q.type == "barriers"] for d in following.domains
    ]
    assert all(len(codes) == 1 for codes in barriers_questions)
    assert all(earlier[code].type == "free_text" for [code] in barriers_questions)
    without = dataclasses.replace(
        following,
        version=definition.version,
        technologies=(),
        barriers=(),
        domains=tuple(
            dataclasses.replace(
                d,
                questions=tuple(
                    earlier[q.code]
                    if q.type == "barriers"
                    else dataclasses.replace(q, shown_when=None)
                    for q in d.questions
                ),
            )
            for d in following.domains
        ),
    )
    assert without == definition
    assert NEXT_VERSION.read_text(encoding="utf-8") == dump_framework(following)
