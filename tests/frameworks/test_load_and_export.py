"""Loading and exporting frameworks: all or nothing, repeatable, and byte-identical round trips."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from frameworks.models import AnswerOption, Domain, Framework, Question, Stage, StageThreshold

from .conftest import SHIPPED

CONTENT_MODELS = (Framework, Stage, Domain, StageThreshold, Question, AnswerOption)

pytestmark = pytest.mark.django_db


def table_snapshot() -> dict[str, list[tuple]]:
    """Every row of every framework table, to prove a failed load wrote nothing."""
    return {
        model.__name__: list(model.objects.order_by("pk").values_list()) for model in CONTENT_MODELS
    }


def load(path, *args: str) -> str:
    out = io.StringIO()
    call_command("load_framework", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def export(code: str = "nhs-digital-maturity", version: str = "2026.1") -> str:
    out = io.StringIO()
    call_command("export_framework", code, version, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("mutate", "key_path"),
    [
        (lambda d: d["domains"][0].update(colour="red"), "domains[0].colour"),
        (lambda d: d["domains"][3].pop("name"), "domains[3].name"),
        (
            lambda d: d["domains"][3]["questions"][2]["options"][1].update(score=7),
            "domains[3].questions[2].options[1].score",
        ),
        (
            lambda d: d["domains"][2]["questions"][0].update(
                code=d["domains"][0]["questions"][0]["code"]
            ),
            "domains[2].questions[0].code",
        ),
        (lambda d: d["overall"]["thresholds"].update(advanced=10), "overall.thresholds.advanced"),
        (
            lambda d: d["domains"][1]["questions"][1].update(gate={"stage": "expert"}),
            "domains[1].questions[1].gate.stage",
        ),
    ],
    ids=["unknown key", "missing name", "score", "duplicate code", "thresholds", "gate stage"],
)
def test_malformed_file_exits_non_zero_names_path_and_writes_nothing(
    framework_file, mutate, key_path
):
    load(SHIPPED, "--publish")
    before = table_snapshot()
    path = framework_file(mutate)
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_framework", str(path), stderr=stderr, stdout=io.StringIO())
    assert f"{path}: {key_path}: " in stderr.getvalue()
    assert table_snapshot() == before


def test_command_line_exit_status_is_non_zero(framework_file):
    path = framework_file(lambda d: d["domains"][0].pop("name"))
    result = subprocess.run(
        [sys.executable, "manage.py", "load_framework", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=SHIPPED.parents[2],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite:///:memory:"},
    )
    assert result.returncode != 0
    assert f"{path}: domains[0].name: is required" in result.stderr


def test_loading_the_same_file_twice_changes_nothing():
    assert "created" in load(SHIPPED)
    before = table_snapshot()
    assert "unchanged" in load(SHIPPED)
    assert table_snapshot() == before


def test_export_load_export_is_byte_identical(tmp_path):
    load(SHIPPED)
    first = export()
    Framework.objects.all().delete()
    exported = tmp_path / "exported.yaml"
    exported.write_text(first, encoding="utf-8")
    load(exported)
    assert export() == first


def test_shipped_file_is_already_in_canonical_form():
    load(SHIPPED)
    assert export() == SHIPPED.read_text(encoding="utf-8")


def test_changed_draft_is_replaced(framework_file):
    load(SHIPPED)
    path = framework_file(lambda d: d["domains"][0].update(name="Leadership"))
    assert "replaced draft" in load(path)
    assert Domain.objects.get(code="LG").name == "Leadership"
    assert Framework.objects.count() == 1


def test_published_version_with_different_content_is_refused(framework_file):
    load(SHIPPED, "--publish")
    before = table_snapshot()
    path = framework_file(lambda d: d["domains"][0].update(name="Leadership"))
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_framework", str(path), stderr=stderr, stdout=io.StringIO())
    assert "is published and differs from this file" in stderr.getvalue()
    assert table_snapshot() == before


def test_new_version_leaves_published_one_untouched(framework_file):
    load(SHIPPED, "--publish")
    published = {name: rows for name, rows in table_snapshot().items() if name != "Framework"}
    path = framework_file(lambda d: (d.update(version="2027.1"), d["domains"][0].update(name="X")))
    assert "created" in load(path)
    after = table_snapshot()
    for name, rows in published.items():
        assert set(rows) <= set(after[name])
    assert Framework.objects.get(version="2026.1").domains.get(code="LG").name == (
        "Leadership and Governance"
    )


def test_export_of_unknown_framework_is_a_clear_error():
    with pytest.raises(CommandError, match=r"No framework nhs-digital-maturity 1999\.1"):
        export(version="1999.1")


def test_export_to_file(tmp_path):
    load(SHIPPED)
    target = tmp_path / "out.yaml"
    call_command(
        "export_framework",
        "nhs-digital-maturity",
        "2026.1",
        "--output",
        str(target),
        stdout=io.StringIO(),
    )
    assert target.read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")
