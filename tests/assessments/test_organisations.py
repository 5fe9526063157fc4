"""NHS organisation reference data: loaded whole, reloaded without duplicates, corrections kept."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from organisations.models import IntegratedCareBoard, Organisation, Region
from organisations.services.reference_data import (
    DEFAULT_REFERENCE_DIR,
    ReferenceDataError,
    organisation_record_admin_edit,
    organisations_load,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_copy(tmp_path: Path) -> Path:
    for name in ("nhs-regions.csv", "nhs-icbs.csv", "nhs-trusts.csv"):
        shutil.copy(DEFAULT_REFERENCE_DIR / name, tmp_path / name)
    return tmp_path


def snapshot() -> list[tuple]:
    return [
        *Region.objects.order_by("pk").values_list(),
        *IntegratedCareBoard.objects.order_by("pk").values_list(),
        *Organisation.objects.order_by("pk").values_list(),
    ]


def test_loads_every_region_icb_and_trust():
    call_command("load_organisations", stdout=io.StringIO())
    assert (Region.objects.count(), IntegratedCareBoard.objects.count()) == (7, 42)
    assert Organisation.objects.count() == 202
    manchester = Organisation.objects.get(ods_code="R0A")
    assert manchester.name == "Manchester University NHS Foundation Trust"
    assert (manchester.trust_type, manchester.region.code, manchester.icb.code) == (
        "acute",
        "Y62",
        "QOP",
    )


def test_reloading_changes_nothing():
    organisations_load()
    before = snapshot()
    summary = organisations_load()
    assert snapshot() == before
    assert summary.created == {"regions": 0, "icbs": 0, "trusts": 0}
    assert summary.updated == {"regions": 0, "icbs": 0, "trusts": 0}


def test_reload_updates_changed_names_in_place(reference_copy):
    organisations_load(directory=reference_copy)
    trusts = reference_copy / "nhs-trusts.csv"
    trusts.write_text(
        trusts.read_text().replace("Manchester University NHS", "Manchester Hospitals NHS"),
        encoding="utf-8",
    )
    summary = organisations_load(directory=reference_copy)
    assert summary.updated["trusts"] == 1
    assert Organisation.objects.count() == 202
    assert Organisation.objects.get(ods_code="R0A").name.startswith("Manchester Hospitals")


def test_administrators_correction_of_type_and_icb_survives_reload():
    organisations_load()
    trust = Organisation.objects.get(ods_code="R0A")
    trust.trust_type = "acute-specialist"
    trust.icb = IntegratedCareBoard.objects.get(code="QE1")
    organisation_record_admin_edit(organisation=trust, changed_fields={"trust_type", "icb"})
    organisations_load()
    trust.refresh_from_db()
    assert (trust.trust_type, trust.type_basis, trust.icb.code) == (
        "acute-specialist",
        "admin",
        "QE1",
    )


def test_trust_missing_from_a_new_file_is_marked_inactive(reference_copy):
    organisations_load(directory=reference_copy)
    trusts = reference_copy / "nhs-trusts.csv"
    lines = trusts.read_text().splitlines(keepends=True)
    trusts.write_text("".join(line for line in lines if not line.startswith("R0A,")))
    summary = organisations_load(directory=reference_copy)
    assert summary.deactivated == ["R0A"]
    assert not Organisation.objects.get(ods_code="R0A").active


def test_bad_reference_file_is_refused_whole_with_line_numbers(reference_copy):
    organisations_load(directory=reference_copy)
    before = snapshot()
    trusts = reference_copy / "nhs-trusts.csv"
    lines = trusts.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace(",acute,", ",hospice,")
    lines[3] = lines[3].replace(",Y63,", ",Y99,")
    trusts.write_text("".join(lines))
    with pytest.raises(ReferenceDataError) as caught:
        organisations_load(directory=reference_copy)
    assert f"{trusts}:3: unknown trust_type 'hospice'" in caught.value.errors
    assert f"{trusts}:4: region_code 'Y99' is not in nhs-regions.csv" in caught.value.errors
    assert snapshot() == before


def test_command_reports_errors_and_exits_non_zero(reference_copy):
    (reference_copy / "nhs-icbs.csv").write_text("code,name\nQE1,x\n")
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command(
            "load_organisations",
            "--directory",
            str(reference_copy),
            stderr=stderr,
            stdout=io.StringIO(),
        )
    assert "missing column(s) icb_code, gss_code" in stderr.getvalue()
    assert Organisation.objects.count() == 0
