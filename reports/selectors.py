"""Reads for benchmarks and reports: answers as frames, runs and their results."""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from assessments.models import Assessment, AssessmentStatus, Cycle, Response
from frameworks.scoring.vectorised import ANSWER_COLUMNS
from reports.models import BenchmarkRun, JobStatus, PeerGroupStatistic, TrustBenchmark
from reports.statistics import NATIONAL_GROUP


def signed_off_assessments(*, cycle: Cycle) -> pd.DataFrame:
    """The cycle's signed-off assessments with the peer groups recorded on each: one query.

    Columns ``assessment``, ``organisation`` and one per group type (``national``,
    ``trust_type``, ``region``, ``icb``, each a code; None where the assessment recorded none).
    """
    rows = (
        Assessment.objects.filter(cycle=cycle, status=AssessmentStatus.SIGNED_OFF)
        .order_by("pk")
        .values_list("pk", "organisation_id", "trust_type", "region__code", "icb__code")
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["assessment", "organisation", "trust_type", "region", "icb"]
    )
    frame.insert(2, "national", NATIONAL_GROUP)
    return frame


def answers_frame(*, assessment_ids: list[int]) -> pd.DataFrame:
    """Every answer of these assessments in the vectorised engine's long form: two queries.

    A multiple-choice answer is one row per selected option; options are positions from 0.
    """
    responses = (
        Response.objects.filter(assessment_id__in=assessment_ids)
        .annotate(
            text_given=ExpressionWrapper(~Q(text_value=""), output_field=BooleanField()),
        )
        .values_list(
            "assessment_id",
            "question__code",
            "option__order",
            "number_value",
            "is_not_applicable",
            "text_given",
        )
    )
    frame = pd.DataFrame.from_records(list(responses), columns=list(ANSWER_COLUMNS))
    frame["option"] = pd.to_numeric(frame["option"], errors="coerce").astype(float) - 1
    frame["number"] = pd.to_numeric(frame["number"], errors="coerce").astype(float)
    selected = Response.selected_options.through.objects.filter(
        response__assessment_id__in=assessment_ids
    ).values_list("response__assessment_id", "response__question__code", "answeroption__order")
    chosen = pd.DataFrame.from_records(list(selected), columns=["respondent", "question", "order"])
    if not chosen.empty:
        # The multiple-choice response row itself carries no option: its selections replace it.
        answered = chosen[["respondent", "question"]].drop_duplicates()
        keep = (
            frame.merge(answered.assign(replaced=True), how="left", on=["respondent", "question"])[
                "replaced"
            ]
            .isna()
            .to_numpy()
        )
        frame = pd.concat(
            [
                frame[keep],
                pd.DataFrame(
                    {
                        "respondent": chosen["respondent"],
                        "question": chosen["question"],
                        "option": chosen["order"].astype(float) - 1,
                        "number": np.nan,
                        "not_applicable": False,
                        "text_given": False,
                    }
                ),
            ],
            ignore_index=True,
        )
    frame["not_applicable"] = frame["not_applicable"].astype(bool)
    frame["text_given"] = frame["text_given"].astype(bool)
    return frame


def previous_cycle_of(cycle: Cycle) -> Cycle | None:
    """The cycle that opened last before this one: where "change since last year" looks."""
    return (
        Cycle.objects.filter(opens_on__lt=cycle.opens_on)
        .select_related("framework")
        .order_by("-opens_on")
        .first()
    )


def latest_done_run(*, cycle: Cycle) -> BenchmarkRun | None:
    return (
        BenchmarkRun.objects.filter(cycle=cycle, status=JobStatus.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def runs_page_rows(*, runs: QuerySet[BenchmarkRun]) -> QuerySet[BenchmarkRun]:
    return runs.select_related("cycle", "requested_by").order_by("-created_at", "-pk")


def run_statistics(*, run: BenchmarkRun, group_type: str | None = None):
    rows = PeerGroupStatistic.objects.filter(run=run)
    if group_type is not None:
        rows = rows.filter(group_type=group_type)
    return rows.order_by("group_type", "group_code", "domain_code")


def trust_rows(*, run: BenchmarkRun, organisation_id: int) -> QuerySet[TrustBenchmark]:
    return TrustBenchmark.objects.filter(run=run, organisation_id=organisation_id)
