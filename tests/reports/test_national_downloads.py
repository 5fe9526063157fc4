"""National downloads: what they hold, their formats, their dictionary, and who gets them."""

from __future__ import annotations

import csv
import io

import openpyxl
import pyarrow.parquet as pq
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from assessments.models import AssessmentStatus, Response
from frameworks.models import Question
from reports.exports import DATASETS, Filters
from reports.models import FileKind, JobStatus, ReportFile
from reports.services import benchmarks, national
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    answer_all,
    assessment_in,
    member,
    open_cycle,
    published_framework,
)
from tests.factories import (
    national as national_user,
)

TRUSTS = 6
PARQUET_TYPES = {"string": "string", "int64": "int64", "float64": "double", "bool": "bool"}


@pytest.fixture
def nation(db, settings, tmp_path):
    """Six signed-off trusts, one trust still answering, a finished run, and an analyst."""
    settings.MEDIA_ROOT = tmp_path / "media"
    framework = published_framework()
    cycle = open_cycle(framework)
    trusts = []
    for number in range(TRUSTS + 1):
        trust = OrganisationFactory()
        lead = member(trust, "digital_lead", f"lead{number}")
        assessment = assessment_in(trust, cycle)
        answer_all(assessment, lead, mandatory_only=False)
        if number < TRUSTS:
            assessment.status = AssessmentStatus.SIGNED_OFF
            assessment.submitted_at = assessment.signed_off_at = assessment.created_at
            assessment.save()
        trusts.append(trust)
    run = benchmarks.benchmark_run_request(cycle=cycle, user=None, trigger="nightly")
    benchmarks.benchmark_run_execute(run_id=run.pk, attempt="test")
    analyst = national_user("analyst", "analyst")
    return {"cycle": cycle, "trusts": trusts, "analyst": analyst, "in_progress": trusts[-1]}


EVERYTHING = Filters()


def csv_rows(dataset: str, user, filters: Filters = EVERYTHING) -> list[dict]:
    body = b"".join(national.national_csv(dataset=dataset, filters=filters, user=user))
    return list(csv.DictReader(io.StringIO(body.decode())))


def test_results_hold_one_row_per_shared_assessment_with_every_domain(nation):
    rows = csv_rows("results", nation["analyst"])
    assert len(rows) == TRUSTS  # the trust still answering is not shared with NHS England
    assert nation["in_progress"].ods_code not in {row["ods_code"] for row in rows}
    columns = [
        c.name for c in DATASETS["results"].columns(user=nation["analyst"], filters=Filters())
    ]
    assert list(rows[0]) == columns
    assert {"overall_score", "D1_score", "D1_stage", "D2_score", "D2_stage"} <= set(columns)
    assert all(row["overall_stage"] for row in rows)
    assert {row["status"] for row in rows} == {"Signed off"}


def test_answers_hold_one_row_per_answer_with_the_options_ticked(nation):
    rows = csv_rows("answers", nation["analyst"])
    shared = Response.objects.filter(assessment__status=AssessmentStatus.SIGNED_OFF)
    assert len(rows) == shared.count()
    ticked = [row for row in rows if row["question_type"] == "multiple_choice"]
    question = Question.objects.get(code="D1-MC")
    labels = list(question.options.order_by("order").values_list("label", flat=True))
    assert {row["answer"] for row in ticked} == {f"{labels[0]}; {labels[1]}"}
    numbers = [row for row in rows if row["question_type"] == "percentage"]
    assert {row["number"] for row in numbers} == {"70.0"}


def test_filters_narrow_every_dataset(nation):
    trust = nation["trusts"][0]
    region = trust.region.code
    filters = Filters(cycle_id=nation["cycle"].pk, region_code=region)
    expected = sum(t.region.code == region for t in nation["trusts"][:TRUSTS])
    assert len(csv_rows("results", nation["analyst"], filters)) == expected
    statistics = csv_rows("statistics", nation["analyst"], filters)
    regions = {row["group_code"] for row in statistics if row["group_type"] == "region"}
    assert regions <= {region}
    assert any(row["group_type"] == "national" for row in statistics)


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_parquet_has_the_dictionary_s_columns_and_types(nation, dataset):
    requested = national.national_file_request(
        dataset=dataset, kind=FileKind.NATIONAL_PARQUET, filters=Filters(), user=nation["analyst"]
    )
    document = national.national_file_build(file_id=requested.pk, attempt="test")
    assert document.status == JobStatus.DONE
    table = pq.read_table(document.file.path)
    columns = DATASETS[dataset].columns(user=nation["analyst"], filters=Filters())
    assert table.schema.names == [column.name for column in columns]
    for field, column in zip(table.schema, columns, strict=True):
        assert str(field.type) == PARQUET_TYPES[column.kind], column.name
        assert field.metadata[b"meaning"].decode() == column.meaning
    assert table.num_rows == len(csv_rows(dataset, nation["analyst"]))


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_xlsx_opens_with_the_rows_and_the_dictionary(nation, dataset):
    requested = national.national_file_request(
        dataset=dataset, kind=FileKind.NATIONAL_XLSX, filters=Filters(), user=nation["analyst"]
    )
    document = national.national_file_build(file_id=requested.pk, attempt="test")
    workbook = openpyxl.load_workbook(document.file.path, read_only=True)
    data, dictionary = (list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets)
    columns = DATASETS[dataset].columns(user=nation["analyst"], filters=Filters())
    assert list(data[0]) == [column.name for column in columns]
    assert len(data) - 1 == len(csv_rows(dataset, nation["analyst"]))
    assert dictionary[1:] == [(c.name, c.kind, c.meaning) for c in columns]


def test_the_same_download_of_unchanged_data_is_made_once(nation):
    ask = {
        "dataset": "results",
        "kind": FileKind.NATIONAL_PARQUET,
        "filters": Filters(),
        "user": nation["analyst"],
    }
    first = national.national_file_request(**ask)
    assert national.national_file_request(**ask).pk == first.pk
    # Any change to an assessment is audited, and makes the next download a new file.
    trust = nation["in_progress"]
    assessment = trust.assessments.get()
    question = Question.objects.get(code="D1-01")
    lead = trust.memberships.get().user
    response = assessment.responses.get(question=question)
    from assessments.services.answers import AnswerInput, response_save

    response_save(
        assessment=assessment,
        question=question,
        answer=AnswerInput(option=1),
        comment="",
        based_on_version=response.version,
        user=lead,
    )
    assert national.national_file_request(**ask).pk != first.pk
    assert ReportFile.objects.count() == 2


def test_only_analysts_download(nation):
    lead = nation["trusts"][0].memberships.get().user
    with pytest.raises(PermissionDenied):
        csv_rows("results", lead)
    admin = national_user("framework_admin", "admin")
    with pytest.raises(PermissionDenied):
        national.national_file_request(
            dataset="answers", kind=FileKind.NATIONAL_XLSX, filters=Filters(), user=admin
        )
    assert not ReportFile.objects.exists()


def test_the_page_streams_csv_and_refuses_a_bad_choice_plainly(nation):
    client = Client()
    assert client.login(username="analyst", password=PASSWORD)
    response = client.post(reverse("national-downloads"), {"dataset": "answers", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="answers-all.csv"'
    assert b"".join(response.streaming_content).startswith(b"ods_code,organisation,")
    refused = client.post(reverse("national-downloads"), {"dataset": "gossip", "format": "csv"})
    assert refused.status_code == 400
    assert (
        "Select a valid choice" in refused.content.decode() or "Choose" in refused.content.decode()
    )


def test_a_download_s_page_says_what_it_holds_in_words(nation):
    trust = nation["trusts"][0]
    requested = national.national_file_request(
        dataset="answers",
        kind=FileKind.NATIONAL_XLSX,
        filters=Filters(cycle_id=nation["cycle"].pk, region_code=trust.region.code),
        user=nation["analyst"],
    )
    client = Client()
    assert client.login(username="analyst", password=PASSWORD)
    page = client.get(reverse("report-file", args=[requested.pk])).content.decode()
    assert f"Every answer: {nation['cycle'].name}, {trust.region.name}" in page
