"""Frameworks from CISO Assistant's library format, converted into ours and loaded.

The library files in tests/frameworks/ciso/ are written for these tests in that format; none is
copied from CISO Assistant's own libraries.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from assessments.models import AssessmentResult
from frameworks.foreign import ConversionOptions, ForeignFrameworkError, convert_ciso_assistant
from frameworks.models import Framework
from frameworks.schema import dump_framework, read_framework_file, validate_framework
from tests.factories import OrganisationFactory, answer_all, assessment_in, member, open_cycle

LIBRARIES = Path(__file__).parent / "ciso"


def library(name: str) -> dict:
    return yaml.safe_load((LIBRARIES / name).read_text(encoding="utf-8"))


def converted(name: str, **options):
    return convert_ciso_assistant(library(name), ConversionOptions(**options))


def test_a_scored_library_three_deep_becomes_domains_of_scored_questions():
    conversion = converted("scored-three-deep.yaml")
    document = conversion.document
    assert (document["code"], document["version"], document["name"]) == (
        "records",
        "3",
        "Records maturity",
    )
    assert [domain["code"] for domain in document["domains"]] == ["GOV", "TECH"]
    governance = document["domains"][0]["questions"]
    assert [q["code"] for q in governance] == ["GOV-01", "GOV-02"]
    assert governance[0]["title"] == "Named records owner"
    assert governance[0]["guidance"] == "Board minutes name the owner."
    assert governance[0]["type"] == "single_choice"
    # Scores 0–5 on our 0–4 scale, half up: 0, 0.8→1, 1.6→2, 2.4→2, 3.2→3, 4.
    assert [o["score"] for o in governance[0]["options"]] == [0, 1, 2, 2, 3, 4]
    assert [o["label"] for o in governance[0]["options"]][-1] == "Optimised"
    assert any("implementation groups are not carried over" in w for w in conversion.warnings)
    assert any("gov.1.2: reference_controls are not carried over" in w for w in conversion.warnings)
    definition = validate_framework(document, source="converted")
    assert definition.overall_rule == "median"
    assert definition.stages[0].name == "Initial"


def test_an_unscored_library_four_deep_asks_yes_no_and_its_own_questions():
    conversion = converted("unscored-four-deep.yaml")
    [agreements, transparency] = conversion.document["domains"]
    questions = {q["code"]: q for q in agreements["questions"]}
    assert questions["A-01"]["type"] == "yes_no"
    assert questions["A-01"]["text"].endswith("Every regular data flow has a signed agreement.")
    register = questions["A-02"]
    assert register["type"] == "single_choice"
    assert [(o["label"], o["score"]) for o in register["options"]] == [
        ("No", 0),
        ("Partly", 2),
        ("Yes", 4),
    ]
    assert questions["A-03"]["type"] == "multiple_choice"
    assert questions["A-04"]["type"] == "free_text"
    assert any("a date question is asked as free text" in w for w in conversion.warnings)
    # "When was it last reviewed?" is asked only after "Yes" to the register question.
    assert questions["A-04"]["shown_when"] == {"all": [{"question": "A-02", "equals": "Yes"}]}
    assert questions["A-04"]["mandatory"] is False
    assert transparency["questions"][0]["code"] == "B-01"
    validate_framework(conversion.document, source="converted")


def test_a_deeper_level_can_be_the_domains():
    document = converted("unscored-four-deep.yaml", domain_depth=2).document
    assert [domain["name"] for domain in document["domains"]] == [
        "Sharing agreements",
        "Privacy notice",
    ]
    assert [q["code"] for q in document["domains"][1]["questions"]] == ["B1-01"]


def test_errors_name_each_node_urn():
    with pytest.raises(ForeignFrameworkError) as caught:
        converted("broken.yaml")
    errors = caught.value.errors
    assert any(e.startswith("urn:test:risk:req_node:broken:a.1: depth 3") for e in errors)
    assert any(
        e.startswith("urn:test:risk:req_node:broken:a.2: parent_urn") and "nowhere" in e
        for e in errors
    )
    assert any("a.3:question:1: question type 'slider' is not supported" in e for e in errors)


@pytest.mark.django_db
def test_the_command_writes_our_file_loads_it_and_the_framework_scores(tmp_path, capsys):
    output = tmp_path / "records.yaml"
    call_command(
        "load_framework",
        str(LIBRARIES / "scored-three-deep.yaml"),
        "--from",
        "ciso-assistant",
        "--output",
        str(output),
        "--publish",
    )
    captured = capsys.readouterr()
    assert "records 3: created (published)" in captured.out
    assert "note: " in captured.err and "implementation groups" in captured.err
    text = output.read_text(encoding="utf-8")
    assert dump_framework(read_framework_file(output)) == text  # our canonical form
    framework = Framework.objects.get(code="records", version="3")
    trust = OrganisationFactory()
    lead = member(trust, "digital_lead", "lead")
    assessment = assessment_in(trust, open_cycle(framework))
    answer_all(assessment, lead, mandatory_only=False)
    result = AssessmentResult.objects.get(assessment=assessment)
    assert result.overall_stage is not None and result.overall_score is not None
    assert {d.domain.code for d in result.domains.select_related("domain")} == {"GOV", "TECH"}


@pytest.mark.django_db
def test_a_mapping_file_sets_the_choices_and_a_bad_one_is_refused(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        yaml.safe_dump(
            {
                "code": "sharing",
                "version": "2026.1",
                "overall_rule": "weakest_link",
                "thresholds": {"developing": 20, "established": 60, "advanced": 90},
                "unscored_type": "free_text",
            }
        )
    )
    output = tmp_path / "sharing.yaml"
    call_command(
        "load_framework",
        str(LIBRARIES / "unscored-four-deep.yaml"),
        "--from=ciso-assistant",
        f"--mapping={mapping}",
        f"--output={output}",
    )
    definition = read_framework_file(output)
    assert (definition.code, definition.version, definition.overall_rule) == (
        "sharing",
        "2026.1",
        "weakest_link",
    )
    assert dict(definition.domains[0].thresholds)["established"] == 60
    assert definition.domains[0].questions[0].type == "free_text"
    mapping.write_text("domain_level: 2\n")
    with pytest.raises(CommandError):
        call_command(
            "load_framework",
            str(LIBRARIES / "unscored-four-deep.yaml"),
            "--from=ciso-assistant",
            f"--mapping={mapping}",
            f"--output={tmp_path / 'other.yaml'}",
        )
    assert not (tmp_path / "other.yaml").exists()


@pytest.mark.django_db
def test_a_broken_library_loads_nothing_and_writes_nothing(tmp_path, capsys):
    output = tmp_path / "broken.yaml"
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command(
            "load_framework",
            str(LIBRARIES / "broken.yaml"),
            "--from=ciso-assistant",
            f"--output={output}",
        )
    assert "urn:test:risk:req_node:broken:a.1" in capsys.readouterr().err
    assert not output.exists() and not Framework.objects.exists()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"domain_depth": "two"}, "domain_depth must be a whole number"),
        ({"unscored_type": "scale"}, "unscored_type must be one of yes_no, free_text"),
        ({"thresholds": [25, 50]}, "thresholds must map stage codes to scores"),
        ({"stages": "four"}, "stages must be a list"),
        ({"levels": 3}, "unknown key(s) levels"),
    ],
)
def test_a_bad_mapping_is_refused_with_its_reason(mapping, message):
    with pytest.raises(ForeignFrameworkError) as caught:
        ConversionOptions.from_mapping(mapping)
    assert any(message in error for error in caught.value.errors), caught.value.errors


@pytest.mark.parametrize(
    "library",
    [
        None,
        {"objects": []},
        {"objects": {"framework": {"requirement_nodes": "x"}}},
        {"objects": {"framework": {"urn": "u", "requirement_nodes": ["x", {"urn": "a"}]}}},
    ],
)
def test_a_library_of_the_wrong_shape_is_refused_not_crashed_on(library):
    with pytest.raises(ForeignFrameworkError):
        convert_ciso_assistant(library, ConversionOptions())


@pytest.mark.django_db
def test_the_command_never_writes_over_its_library_or_another_file(tmp_path, monkeypatch):
    source = tmp_path / "records.yaml"
    source.write_text((LIBRARIES / "scored-three-deep.yaml").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    original = source.read_text(encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_framework", str(source), "--from=ciso-assistant", f"--output={source}")
    assert source.read_text(encoding="utf-8") == original
    call_command("load_framework", str(source), "--from=ciso-assistant")
    assert (tmp_path / "records-3.yaml").exists()  # CODE-VERSION.yaml, here
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_framework", str(source), "--from=ciso-assistant")  # it exists now
    call_command("load_framework", str(source), "--from=ciso-assistant", "--force")


@pytest.mark.django_db
def test_a_load_refused_after_conversion_writes_no_file(tmp_path):
    output = tmp_path / "records.yaml"
    call_command(
        "load_framework",
        str(LIBRARIES / "scored-three-deep.yaml"),
        "--from=ciso-assistant",
        f"--output={output}",
        "--publish",
    )
    again = tmp_path / "again.yaml"
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command(  # the same version, published, with different content
            "load_framework",
            str(LIBRARIES / "scored-three-deep.yaml"),
            "--from=ciso-assistant",
            "--domain-depth=2",
            f"--output={again}",
        )
    assert not again.exists()


def test_choices_that_cannot_be_told_apart_are_refused_and_collisions_noted():
    document = library("unscored-four-deep.yaml")
    nodes = document["objects"]["framework"]["requirement_nodes"]
    register = next(node for node in nodes if node.get("ref_id") == "A.1.2")
    for choice in register["questions"]["urn:test:risk:req_node:share:a.1.2:question:1"]["choices"]:
        choice["add_score"] = 0
    with pytest.raises(ForeignFrameworkError) as caught:
        convert_ciso_assistant(document, ConversionOptions())
    assert any("every choice scores the same" in error for error in caught.value.errors)
    notes = converted("scored-three-deep.yaml").warnings
    assert any("scores 2 and 3 both become 2 on the 0–4 scale" in note for note in notes)


@pytest.mark.parametrize(
    ("depends_on", "message"),
    [
        ({"question": "urn:nowhere", "answers": ["x"]}, "not an earlier choice question"),
        (
            {"question": "urn:test:risk:req_node:share:a.1.2:question:1", "answers": ["urn:x"]},
            "names an answer that is not a choice",
        ),
        (
            {
                "question": "urn:test:risk:req_node:share:a.1.2:question:1",
                "answers": [
                    "urn:test:risk:req_node:share:a.1.2:question:1:choice:2",
                    "urn:test:risk:req_node:share:a.1.2:question:1:choice:3",
                ],
                "condition": "all",
            },
            "several answers to a one-answer question",
        ),
        ({"answers": "x"}, "needs a question and a list of answers"),
    ],
)
def test_a_depends_on_that_cannot_be_said_is_refused_with_its_urn(depends_on, message):
    document = library("unscored-four-deep.yaml")
    nodes = document["objects"]["framework"]["requirement_nodes"]
    register = next(node for node in nodes if node.get("ref_id") == "A.1.2")
    register["questions"]["urn:test:risk:req_node:share:a.1.2:question:3"]["depends_on"] = (
        depends_on
    )
    with pytest.raises(ForeignFrameworkError) as caught:
        convert_ciso_assistant(document, ConversionOptions())
    assert any(
        error.startswith("urn:test:risk:req_node:share:a.1.2 ") and message in error
        for error in caught.value.errors
    ), caught.value.errors


def test_any_of_several_answers_becomes_one_of():
    document = library("unscored-four-deep.yaml")
    nodes = document["objects"]["framework"]["requirement_nodes"]
    register = next(node for node in nodes if node.get("ref_id") == "A.1.2")
    question = register["questions"]["urn:test:risk:req_node:share:a.1.2:question:3"]
    question["depends_on"]["answers"].append(
        "urn:test:risk:req_node:share:a.1.2:question:1:choice:2"
    )
    converted_document = convert_ciso_assistant(document, ConversionOptions()).document
    asked = converted_document["domains"][0]["questions"][3]
    assert asked["shown_when"] == {"all": [{"question": "A-02", "one_of": ["Yes", "Partly"]}]}
    validate_framework(converted_document, source="converted")
