"""The framework file format: every kind of mistake is reported with the file and key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from frameworks.schema import FrameworkFileError, read_framework_file


def errors_for(path: Path) -> list[str]:
    with pytest.raises(FrameworkFileError) as caught:
        read_framework_file(path)
    return caught.value.errors


def first_question_of_type(document: dict, kind: str) -> dict:
    return next(q for d in document["domains"] for q in d["questions"] if q["type"] == kind)


def test_shipped_file_is_valid(framework_file):
    definition = read_framework_file(framework_file())
    assert definition.code == "nhs-digital-maturity"
    assert len(definition.domains) == 7


def test_unknown_key_is_named_with_its_path(framework_file):
    path = framework_file(lambda d: d["domains"][2]["questions"][1].update(colour="blue"))
    assert errors_for(path) == [
        f"{path}: domains[2].questions[1].colour: unknown key (allowed: code, title, text, "
        "guidance, type, mandatory, weight, allows_na, gate, unit, options, bands, shown_when)"
    ]


def test_duplicate_question_code_points_at_the_first_use(framework_file):
    def duplicate(document):
        document["domains"][1]["questions"][0]["code"] = document["domains"][0]["questions"][2][
            "code"
        ]

    path = framework_file(duplicate)
    [error] = errors_for(path)
    assert error.startswith(f"{path}: domains[1].questions[0].code: duplicate question code")
    assert "first used at domains[0].questions[2]" in error


def test_option_score_out_of_range(framework_file):
    path = framework_file(lambda d: d["domains"][3]["questions"][2]["options"][1].update(score=9))
    assert f"{path}: domains[3].questions[2].options[1].score: must be between 0 and 4" in (
        errors_for(path)
    )


def test_missing_domain_name(framework_file):
    path = framework_file(lambda d: d["domains"][3].pop("name"))
    assert errors_for(path) == [f"{path}: domains[3].name: is required"]


def test_thresholds_must_increase(framework_file):
    path = framework_file(
        lambda d: d["domains"][0]["thresholds"].update(developing=60, established=50)
    )
    [error] = errors_for(path)
    assert error.startswith(f"{path}: domains[0].thresholds.established: must be greater than")


def test_gate_on_unknown_stage(framework_file):
    def gate_on_expert(document):
        document["domains"][0]["questions"][0]["gate"] = {"stage": "expert"}

    path = framework_file(gate_on_expert)
    assert errors_for(path) == [
        f"{path}: domains[0].questions[0].gate.stage: 'expert' is not one of the framework's stages"
    ]


def test_gate_on_first_stage_is_refused(framework_file):
    def gate_on_initial(document):
        document["domains"][0]["questions"][0]["gate"] = {"stage": "initial"}

    [error] = errors_for(framework_file(gate_on_initial))
    assert "gate.stage: the first stage is always reached" in error


def test_every_error_is_reported_in_one_pass(framework_file):
    def break_three_things(document):
        document["domains"][0].pop("name")
        document["domains"][1]["questions"][0]["type"] = "essay"
        document["overall"]["rule"] = "average"

    errors = errors_for(framework_file(break_three_things))
    assert len(errors) == 3
    assert any("domains[0].name: is required" in e for e in errors)
    assert any("domains[1].questions[0].type: must be one of" in e for e in errors)
    assert any("overall.rule: must be one of weakest_link, median, score" in e for e in errors)


def test_duplicate_yaml_key_is_refused(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("code: a\ncode: b\n", encoding="utf-8")
    [error] = errors_for(path)
    assert error.startswith(f"{path}: not valid YAML: ")
    assert "duplicate key 'code'" in error


def test_file_that_is_not_yaml(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("code: [unclosed\n", encoding="utf-8")
    assert errors_for(path)[0].startswith(f"{path}: not valid YAML")


def test_missing_file(tmp_path):
    assert errors_for(tmp_path / "absent.yaml")[0].startswith(f"{tmp_path / 'absent.yaml'}: cannot")


def test_version_written_as_a_number_must_be_quoted(framework_file):
    path = framework_file(lambda d: d.update(version=2026.1))
    assert errors_for(path) == [f"{path}: version: must be text (put it in quotes)"]


def test_scale_needs_one_option_per_stage_in_order(framework_file):
    def swap(document):
        options = first_question_of_type(document, "scale")["options"]
        options[0]["stage"], options[1]["stage"] = options[1]["stage"], options[0]["stage"]

    [error] = errors_for(framework_file(swap))
    assert "a scale has one option per stage, in order" in error


def test_yes_no_needs_yes_and_no(framework_file):
    def rename(document):
        first_question_of_type(document, "yes_no")["options"][0]["label"] = "Maybe"

    [error] = errors_for(framework_file(rename))
    assert "exactly two options: Yes and No" in error


def test_number_bands_must_be_contiguous(framework_file):
    def gap(document):
        bands = first_question_of_type(document, "number")["bands"]
        bands[1]["min"] = bands[0]["max"] + 1

    [error] = errors_for(framework_file(gap))
    assert ".bands[1].min: must equal the previous band's max" in error


def test_free_text_cannot_be_weighted_or_gated(framework_file):
    def score_free_text(document):
        question = first_question_of_type(document, "free_text")
        question["weight"] = 2
        question["gate"] = {"stage": "developing"}

    errors = errors_for(framework_file(score_free_text))
    assert any("weight: free text is never scored" in e for e in errors)
    assert any("gate: free text is never scored, so it cannot be a gate" in e for e in errors)


def test_gate_minimum_must_be_a_fraction(framework_file):
    def impossible_gate(document):
        document["domains"][0]["questions"][0]["gate"] = {"stage": "advanced", "minimum": 1.5}

    [error] = errors_for(framework_file(impossible_gate))
    assert "gate.minimum: must be above 0 and at most 1" in error


def test_options_on_a_percentage_question_are_refused(framework_file):
    def add_options(document):
        first_question_of_type(document, "percentage")["options"] = [{"label": "x", "score": 1}]

    [error] = errors_for(framework_file(add_options))
    assert "percentage questions have no options" in error


def test_exclusive_option_must_be_a_zero_scoring_multiple_choice_option(framework_file):
    def misuse(document):
        first_question_of_type(document, "scale")["options"][0]["exclusive"] = True
        multiple = first_question_of_type(document, "multiple_choice")
        multiple["options"][0]["exclusive"] = True

    errors = errors_for(framework_file(misuse))
    assert any(
        e.endswith("options[0].exclusive: only multiple-choice options can be") for e in errors
    )
    assert any(e.endswith("options[0].exclusive: an exclusive option scores 0") for e in errors)


def test_shipped_none_of_these_options_are_exclusive(framework_file):
    definition = read_framework_file(framework_file())
    nones = [
        option
        for domain in definition.domains
        for question in domain.questions
        for option in question.options
        if option.label == "None of these"
    ]
    assert nones
    assert all(option.exclusive for option in nones)
