"""Load the NHS organisation reference data (regions, ICBs, trusts) from CSV files.

Re-running updates rows in place and never duplicates them. Corrections made by an
administrator (a trust's type or ICB) survive a reload: the reference files are a starting
point, and the people who know a trust know better.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from organisations.models import IntegratedCareBoard, Organisation, Region, TrustType

DEFAULT_REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data"
REGION_COLUMNS = ("region_code", "name")
ICB_COLUMNS = ("icb_code", "gss_code", "name")
TRUST_COLUMNS = (
    "ods_code",
    "name",
    "trust_type",
    "region_code",
    "icb_code",
    "postcode",
    "open_date",
    "type_basis",
)
ADMIN_BASIS = "admin"


class ReferenceDataError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class OrganisationLoadSummary:
    created: dict[str, int] = field(default_factory=lambda: {"regions": 0, "icbs": 0, "trusts": 0})
    updated: dict[str, int] = field(default_factory=lambda: {"regions": 0, "icbs": 0, "trusts": 0})
    deactivated: list[str] = field(default_factory=list)


def organisations_load(*, directory: Path = DEFAULT_REFERENCE_DIR) -> OrganisationLoadSummary:
    """Read and check all three files first, then write them in one transaction."""
    errors: list[str] = []
    regions = _read_csv(directory / "nhs-regions.csv", REGION_COLUMNS, errors)
    icbs = _read_csv(directory / "nhs-icbs.csv", ICB_COLUMNS, errors)
    trusts = _read_csv(directory / "nhs-trusts.csv", TRUST_COLUMNS, errors)
    region_codes = {row["region_code"] for _, row in regions}
    icb_codes = {row["icb_code"] for _, row in icbs}
    trust_path = directory / "nhs-trusts.csv"
    seen: set[str] = set()
    for line, row in trusts:
        where = f"{trust_path}:{line}"
        if row["ods_code"] in seen:
            errors.append(f"{where}: duplicate ODS code {row['ods_code']}")
        seen.add(row["ods_code"])
        if row["trust_type"] not in TrustType.values:
            errors.append(f"{where}: unknown trust_type {row['trust_type']!r}")
        if row["region_code"] not in region_codes:
            errors.append(f"{where}: region_code {row['region_code']!r} is not in nhs-regions.csv")
        if row["icb_code"] not in icb_codes:
            errors.append(f"{where}: icb_code {row['icb_code']!r} is not in nhs-icbs.csv")
        try:
            row["opened_on"] = date.fromisoformat(row["open_date"]) if row["open_date"] else None
        except ValueError:
            errors.append(f"{where}: open_date {row['open_date']!r} is not a date (YYYY-MM-DD)")
    if errors:
        raise ReferenceDataError(errors)
    summary = OrganisationLoadSummary()
    with transaction.atomic():
        region_by_code = _upsert_by_code(
            Region,
            regions,
            code_column="region_code",
            columns=("name",),
            kind="regions",
            summary=summary,
        )
        icb_by_code = _upsert_by_code(
            IntegratedCareBoard,
            icbs,
            code_column="icb_code",
            columns=("gss_code", "name"),
            kind="icbs",
            summary=summary,
        )
        _upsert_trusts(trusts, region_by_code, icb_by_code, summary)
    return summary


def _read_csv(path: Path, columns: tuple[str, ...], errors: list[str]) -> list[tuple[int, dict]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in columns if column not in (reader.fieldnames or [])]
            if missing:
                errors.append(f"{path}: missing column(s) {', '.join(missing)}")
                return []
            rows = []
            for line, row in enumerate(reader, start=2):
                blank = [column for column in columns[:2] if not (row[column] or "").strip()]
                if blank:
                    errors.append(f"{path}:{line}: {', '.join(blank)} must not be empty")
                rows.append((line, {key: (value or "").strip() for key, value in row.items()}))
            return rows
    except (OSError, UnicodeDecodeError) as error:
        errors.append(f"{path}: cannot be read: {error}")
        return []


def _upsert_by_code(
    model,
    rows,
    *,
    code_column: str,
    columns: tuple[str, ...],
    kind: str,
    summary: OrganisationLoadSummary,
) -> dict:
    """Create or update regions or ICBs by their ODS code; the CSV columns match field names."""
    existing = {row.code: row for row in model.objects.all()}
    for _, row in rows:
        values = {column: row[column] for column in columns}
        stored = existing.get(row[code_column])
        if stored is None:
            existing[row[code_column]] = model.objects.create(code=row[code_column], **values)
            summary.created[kind] += 1
            continue
        if _save_changes(stored, values):
            summary.updated[kind] += 1
    return existing


def _save_changes(instance, values: dict) -> bool:
    """Save only the fields whose values differ; report whether anything changed."""
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
    return bool(changed)


def _upsert_trusts(rows, region_by_code, icb_by_code, summary: OrganisationLoadSummary) -> None:
    existing = {trust.ods_code: trust for trust in Organisation.objects.all()}
    for _, row in rows:
        values = {
            "name": row["name"],
            "region": region_by_code[row["region_code"]],
            "postcode": row["postcode"],
            "opened_on": row["opened_on"],
            "active": True,
        }
        trust = existing.pop(row["ods_code"], None)
        if trust is None:
            Organisation.objects.create(
                ods_code=row["ods_code"],
                trust_type=row["trust_type"],
                type_basis=row["type_basis"],
                icb=icb_by_code[row["icb_code"]],
                **values,
            )
            summary.created["trusts"] += 1
            continue
        if trust.type_basis != ADMIN_BASIS:
            values["trust_type"] = row["trust_type"]
            values["type_basis"] = row["type_basis"]
        if not trust.icb_set_by_admin:
            values["icb"] = icb_by_code[row["icb_code"]]
        if _save_changes(trust, values):
            summary.updated["trusts"] += 1
    for trust in existing.values():
        if trust.active:
            trust.active = False
            trust.save(update_fields=["active"])
            summary.deactivated.append(trust.ods_code)


def organisation_record_admin_edit(
    *, organisation: Organisation, changed_fields: set[str]
) -> Organisation:
    """Save an administrator's edit, marking corrected type or ICB so reloads keep them."""
    if "trust_type" in changed_fields:
        organisation.type_basis = ADMIN_BASIS
    if "icb" in changed_fields:
        organisation.icb_set_by_admin = True
    organisation.save()
    return organisation
