"""Reads for benchmarks and reports: answers as frames, runs and their results."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from assessments.models import Assessment, AssessmentStatus, Cycle, Response
from frameworks.models import AnswerOption, Framework, Question
from frameworks.scoring.vectorised import ANSWER_COLUMNS
from frameworks.selectors import framework_content
from organisations.models import Organisation
from reports.models import (
    BenchmarkRun,
    GroupType,
    JobStatus,
    PeerGroupStatistic,
    TrustBenchmark,
)
from reports.services.bulk import query_frame
from reports.statistics import NATIONAL_GROUP, OVERALL


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


def answers_frame(*, assessments: QuerySet[Assessment], framework: Framework) -> pd.DataFrame:
    """Every answer of these assessments in the vectorised engine's long form: four queries.

    A multiple-choice answer is one row per selected option; options are positions from 0.
    Answers are read as plain ids from their own tables (no joins), and ids become question
    codes and option positions in pandas: a national run reads a million answers this way.
    """
    codes = dict(Question.objects.filter(framework=framework).values_list("pk", "code"))
    positions = {
        pk: order - 1
        for pk, order in AnswerOption.objects.filter(question__framework=framework).values_list(
            "pk", "order"
        )
    }
    responses = (
        Response.objects.filter(assessment__in=assessments)
        .order_by()
        .annotate(text_given=ExpressionWrapper(~Q(text_value=""), output_field=BooleanField()))
        .values_list(
            "pk",
            "assessment_id",
            "question_id",
            "option_id",
            "number_value",
            "is_not_applicable",
            "text_given",
        )
    )
    frame = query_frame(
        responses,
        ["response", "respondent", "question", "option", "number", "not_applicable", "text_given"],
        booleans=("not_applicable", "text_given"),
    )
    frame["question"] = frame["question"].map(codes)
    frame["option"] = frame["option"].map(positions).astype(float)
    frame["number"] = pd.to_numeric(frame["number"], errors="coerce").astype(float)
    selected = (
        Response.selected_options.through.objects.filter(response__assessment__in=assessments)
        .order_by()
        .values_list("response_id", "answeroption_id")
    )
    chosen = query_frame(selected, ["response", "option"])
    if not chosen.empty:
        # The multiple-choice response row itself carries no option: its selections replace it.
        ticked = frame[frame["response"].isin(chosen["response"])]
        ticks = chosen.merge(
            ticked[["response", "respondent", "question"]], on="response", how="inner"
        )
        frame = pd.concat(
            [
                frame[~frame["response"].isin(chosen["response"])],
                pd.DataFrame(
                    {
                        "respondent": ticks["respondent"],
                        "question": ticks["question"],
                        "option": ticks["option"].map(positions).astype(float),
                        "number": np.nan,
                        "not_applicable": False,
                        "text_given": False,
                    }
                ),
            ],
            ignore_index=True,
        )
    frame = frame[list(ANSWER_COLUMNS)]
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


def runs_page_rows(*, runs: QuerySet[BenchmarkRun]) -> QuerySet[BenchmarkRun]:
    return runs.select_related("cycle", "requested_by").order_by("-created_at", "-pk")


def national_statistics(*, run: BenchmarkRun) -> list[PeerGroupStatistic]:
    """The national group's rows in the framework's domain order, overall last."""
    order = {code: index for index, code in enumerate(domain_names(run=run))}
    rows = PeerGroupStatistic.objects.filter(run=run, group_type=GroupType.NATIONAL)
    return sorted(rows, key=lambda row: order.get(row.domain_code, len(order)))


def trust_rows(*, run: BenchmarkRun, organisation_id: int) -> QuerySet[TrustBenchmark]:
    return TrustBenchmark.objects.filter(run=run, assessment__organisation_id=organisation_id)


@dataclass(frozen=True)
class PeerComparison:
    """A trust's domain (or overall) result beside one of its peer groups."""

    group_type: str
    group_label: str
    statistic: PeerGroupStatistic | None
    percentile: float | None
    quartile: int | None

    @property
    def comparable(self) -> bool:
        return self.statistic is not None and not self.statistic.suppressed


@dataclass(frozen=True)
class DomainBenchmark:
    code: str
    name: str
    row: TrustBenchmark
    stage_name: str
    peers: tuple[PeerComparison, ...]
    next_steps: str

    @property
    def national(self) -> PeerComparison:
        return self.peers[0]


@dataclass(frozen=True)
class TrustReport:
    run: BenchmarkRun
    assessment: Assessment
    overall: DomainBenchmark
    domains: tuple[DomainBenchmark, ...]
    stages: tuple  # the framework's stages, lowest first
    next_steps: tuple[tuple[str, str], ...]  # (domain name, what to do), most pressing first


NATIONAL_LABEL = "England"
TOP_NEXT_STEPS = 3


def latest_run_for_trust(*, organisation: Organisation, cycle: Cycle | None = None):
    """The newest finished run that compared this trust (in ``cycle``, if given)."""
    runs = BenchmarkRun.objects.filter(
        status=JobStatus.DONE, trusts__assessment__organisation=organisation
    ).select_related("cycle__framework")
    if cycle is not None:
        runs = runs.filter(cycle=cycle)
    return runs.order_by("-cycle__opens_on", "-finished_at", "-pk").distinct().first()


def trust_report(*, run: BenchmarkRun, organisation: Organisation) -> TrustReport | None:
    """Everything a trust's benchmark report shows, in five queries; None if not in the run."""
    rows = {row.domain_code: row for row in trust_rows(run=run, organisation_id=organisation.pk)}
    if not rows:
        return None
    any_row = next(iter(rows.values()))
    assessment = (
        Assessment.objects.select_related("region", "icb", "result__overall_stage")
        .prefetch_related("result__domains__domain")
        .get(pk=any_row.assessment_id)
    )
    groups = {
        GroupType.NATIONAL: NATIONAL_GROUP,
        GroupType.TRUST_TYPE: assessment.trust_type,
        GroupType.REGION: assessment.region.code if assessment.region else None,
        GroupType.ICB: assessment.icb.code if assessment.icb else None,
    }
    condition = Q()
    for group_type, code in groups.items():
        if code is not None:
            condition |= Q(group_type=group_type, group_code=code)
    statistics = {
        (statistic.group_type, statistic.domain_code): statistic
        for statistic in PeerGroupStatistic.objects.filter(condition, run=run)
    }
    content = framework_content(framework=run.cycle.framework)
    stage_names = {stage.code: stage.name for stage in content.stages}
    explanations = {
        result.domain.code: result.explanation for result in assessment.result.domains.all()
    }

    def benchmark(code: str, name: str) -> DomainBenchmark:
        row = rows[code]
        peers = tuple(
            PeerComparison(
                group_type=group_type,
                group_label=_group_label(group_type, statistics.get((group_type, code))),
                statistic=statistics.get((group_type, code)),
                percentile=getattr(row, f"{group_type}_percentile"),
                quartile=getattr(row, f"{group_type}_quartile"),
            )
            for group_type in GroupType.values
        )
        return DomainBenchmark(
            code=code,
            name=name,
            row=row,
            stage_name=stage_names.get(row.stage_code, "No stage"),
            peers=peers,
            next_steps=explanations.get(code, {}).get("next_steps", ""),
        )

    domains = tuple(
        benchmark(domain.code, domain.name) for domain in content.domains if domain.code in rows
    )
    stage_order = {stage.code: stage.ordinal for stage in content.stages}
    pressing = sorted(
        (d for d in domains if d.row.stage_code != content.stages[-1].code),
        key=lambda d: (stage_order.get(d.row.stage_code, 0), d.row.score or 0),
    )
    return TrustReport(
        run=run,
        assessment=assessment,
        overall=benchmark(OVERALL, "Overall"),
        domains=domains,
        stages=content.stages,
        next_steps=tuple((d.name, d.next_steps) for d in pressing[:TOP_NEXT_STEPS]),
    )


def _group_label(group_type: str, statistic: PeerGroupStatistic | None) -> str:
    """Short enough for a column heading: "England", "Acute trusts", "North West", "… ICB"."""
    if group_type == GroupType.NATIONAL or statistic is None:
        return NATIONAL_LABEL if group_type == GroupType.NATIONAL else GroupType(group_type).label
    if group_type == GroupType.TRUST_TYPE:
        return f"{statistic.group_name} trusts"
    return statistic.group_name.replace("Integrated Care Board", "ICB")


def cycles_compared(*, organisation: Organisation) -> QuerySet[Cycle]:
    """Every cycle in which a finished run compared this trust, newest first."""
    return (
        Cycle.objects.filter(
            benchmark_runs__status=JobStatus.DONE,
            benchmark_runs__trusts__assessment__organisation=organisation,
        )
        .distinct()
        .order_by("-opens_on")
    )


def trust_rows_of_run(*, run: BenchmarkRun) -> QuerySet[TrustBenchmark]:
    return TrustBenchmark.objects.filter(run=run, domain_code=OVERALL)


def domain_names(*, run: BenchmarkRun) -> dict[str, str]:
    """Domain code to name in the framework's order, then ``overall``."""
    content = framework_content(framework=run.cycle.framework)
    return {**{domain.code: domain.name for domain in content.domains}, OVERALL: "Overall"}
