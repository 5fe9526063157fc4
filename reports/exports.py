"""National downloads: what each dataset holds, column by column, read in bounded batches.

A dataset is its data dictionary (column, type, meaning) and a generator of row batches, so a
file of a million rows is written with the memory of one batch. The same dictionary types the
Parquet schema, heads the CSV and XLSX, and is offered as a file of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Q, QuerySet

from access import scoping
from assessments.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Cycle,
    DomainResult,
    Response,
)
from frameworks.definition import TICKED_TYPES
from frameworks.models import AnswerOption, Domain, Framework, Stage
from organisations.models import IntegratedCareBoard, Region, TrustType
from reports.models import BenchmarkRun, GroupType, JobStatus, PeerGroupStatistic

# Rows read and written at a time: small enough that a Parquet download of a million answers
# stays within 150 MB (bench/benchmarks.py measures it), large enough to keep queries few.
BATCH_ROWS = 1000
TYPES = ("string", "int64", "float64", "bool")  # as named in the dictionary and the Parquet file


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # one of TYPES
    meaning: str


@dataclass(frozen=True)
class Filters:
    """What a person narrowed a download to; None is "all"."""

    cycle_id: int | None = None
    region_code: str | None = None
    icb_code: str | None = None
    trust_type: str | None = None

    def as_dict(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if value is not None}

    def in_words(self) -> str:
        """e.g. "2026/27, London, acute trusts"; "all trusts and cycles" when unfiltered."""
        words = []
        if self.cycle_id is not None:
            words.append(Cycle.objects.get(pk=self.cycle_id).name)
        if self.region_code:
            words.append(Region.objects.get(code=self.region_code).name)
        if self.icb_code:
            words.append(IntegratedCareBoard.objects.get(code=self.icb_code).name)
        if self.trust_type:
            words.append(f"{TrustType(self.trust_type).label.lower()} trusts")
        return ", ".join(words) or "all trusts and cycles"


TRUST_COLUMNS = [
    Column("ods_code", "string", "The trust's ODS code"),
    Column("organisation", "string", "The trust's name"),
    Column("trust_type", "string", "Trust type recorded on the assessment for its cycle"),
    Column("region_code", "string", "NHS England region (ODS code) recorded for the cycle"),
    Column("region", "string", "NHS England region name"),
    Column("icb_code", "string", "Integrated care board (ODS code) recorded for the cycle"),
    Column("icb", "string", "Integrated care board name"),
    Column("cycle", "string", "Assessment cycle, e.g. 2026/27"),
    Column("status", "string", "Assessment status: submitted or signed off"),
]


def _assessments(*, user, filters: Filters) -> QuerySet[Assessment]:
    """The assessments this person may see, narrowed by the filters."""
    assessments = scoping.assessments_visible_to(user=user)
    if filters.cycle_id is not None:
        assessments = assessments.filter(cycle_id=filters.cycle_id)
    if filters.region_code:
        assessments = assessments.filter(region__code=filters.region_code)
    if filters.icb_code:
        assessments = assessments.filter(icb__code=filters.icb_code)
    if filters.trust_type:
        assessments = assessments.filter(trust_type=filters.trust_type)
    return assessments


def _trust_values(row: dict) -> list:
    return [
        row["organisation__ods_code"],
        row["organisation__name"],
        TrustType(row["trust_type"]).label if row["trust_type"] else None,
        row["region__code"],
        row["region__name"],
        row["icb__code"],
        row["icb__name"],
        row["cycle__name"],
        AssessmentStatus(row["status"]).label,
    ]


TRUST_FIELDS = (
    "pk",
    "organisation__ods_code",
    "organisation__name",
    "trust_type",
    "region__code",
    "region__name",
    "icb__code",
    "icb__name",
    "cycle__name",
    "status",
)


def _chunks(rows, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _distinct(codes) -> list[str]:
    """Codes across framework versions, each once, in the order first met."""
    return list(dict.fromkeys(codes))


def _float(value) -> float | None:
    return None if value is None else float(value)


class Dataset(Protocol):
    """A national download: its dictionary, and its rows a batch at a time."""

    name: str
    title: str
    description: str

    def columns(self, *, user, filters: Filters) -> list[Column]: ...

    def batches(self, *, user, filters: Filters) -> Iterator[list[list]]: ...


class TrustResults:
    name = "results"
    title = "Results by trust and cycle"
    description = (
        "One row per trust and cycle: the trust, its peer groups for the cycle, the assessment's "
        "status, the overall and domain scores and stages, readiness to adopt each technology "
        "and the barriers named."
    )

    def _codes(self, *, user, filters: Filters) -> tuple[list[str], list[str], list[str]]:
        """Domain, technology and barrier codes of the frameworks in view, each once."""
        frameworks = _assessments(user=user, filters=filters).values("cycle__framework_id")
        domains = _distinct(
            Domain.objects.filter(framework_id__in=frameworks)
            .order_by("framework_id", "order")
            .values_list("code", flat=True)
        )
        content = Framework.objects.filter(pk__in=frameworks).order_by("pk")
        technologies, barriers = [], []
        for stored_technologies, stored_barriers in content.values_list("technologies", "barriers"):
            technologies += [technology["code"] for technology in stored_technologies]
            barriers += [barrier["code"] for barrier in stored_barriers]
        return domains, _distinct(technologies), _distinct(barriers)

    def columns(self, *, user, filters: Filters) -> list[Column]:
        columns = [
            *TRUST_COLUMNS,
            Column("overall_score", "float64", "Overall score, 0 to 100, one decimal place"),
            Column("overall_stage", "string", "Overall stage"),
        ]
        domains, technologies, barriers = self._codes(user=user, filters=filters)
        for code in domains:
            columns += [
                Column(f"{code}_score", "float64", f"Score of domain {code}, 0 to 100"),
                Column(f"{code}_stage", "string", f"Stage of domain {code}"),
            ]
        columns += [
            Column(
                f"ready_{code}",
                "bool",
                f"Ready to adopt technology {code}: every prerequisite met (empty when the "
                "cycle's framework does not list it)",
            )
            for code in technologies
        ]
        columns += [
            Column(
                f"barrier_{code}",
                "bool",
                f"Barrier {code} named in any domain (empty when no barrier was named)",
            )
            for code in barriers
        ]
        if barriers:
            columns += [
                Column(
                    f"{code}_barriers",
                    "string",
                    f"Barriers named for domain {code}: codes joined by '; ', in framework order",
                )
                for code in domains
            ]
        return columns

    def batches(self, *, user, filters: Filters) -> Iterator[list[list]]:
        codes, technologies, barrier_codes = self._codes(user=user, filters=filters)
        stage_names = dict(Stage.objects.values_list("pk", "name"))
        rows = (
            _assessments(user=user, filters=filters)
            .order_by("cycle__opens_on", "organisation__ods_code")
            .values(*TRUST_FIELDS)
            .iterator(chunk_size=BATCH_ROWS)
        )
        for chunk in _chunks(rows, 1000):
            ids = [row["pk"] for row in chunk]
            overall = {
                result["assessment_id"]: result
                for result in AssessmentResult.objects.filter(assessment_id__in=ids).values(
                    "assessment_id", "overall_score", "overall_stage_id", "readiness", "barriers"
                )
            }
            domains: dict[int, dict[str, tuple]] = {}
            for assessment_id, code, score, stage_id in DomainResult.objects.filter(
                result__assessment_id__in=ids
            ).values_list("result__assessment_id", "domain__code", "score", "stage_id"):
                domains.setdefault(assessment_id, {})[code] = (score, stage_id)
            batch = []
            for row in chunk:
                result = overall.get(row["pk"], {})
                values = [
                    *_trust_values(row),
                    _float(result.get("overall_score")),
                    stage_names.get(result.get("overall_stage_id")),
                ]
                mine = domains.get(row["pk"], {})
                for code in codes:
                    score, stage_id = mine.get(code, (None, None))
                    values += [_float(score), stage_names.get(stage_id)]
                ready = {item["code"]: item["ready"] for item in result.get("readiness") or []}
                values += [ready.get(code) for code in technologies]
                named = result.get("barriers") or {}
                anywhere = {code for codes_named in named.values() for code in codes_named}
                values += [(code in anywhere) if named else None for code in barrier_codes]
                if barrier_codes:
                    values += ["; ".join(named[code]) if code in named else None for code in codes]
                batch.append(values)
            yield batch


class Answers:
    name = "answers"
    title = "Every answer"
    description = (
        "One row per trust, cycle and question answered: the answer as the trust gave it, "
        "with the question's domain and type."
    )

    def columns(self, *, user, filters: Filters) -> list[Column]:
        return [
            *TRUST_COLUMNS,
            Column("domain_code", "string", "The question's domain"),
            Column("question_code", "string", "The question, e.g. LG-01"),
            Column(
                "question_type",
                "string",
                "scale, yes_no, single_choice, multiple_choice, percentage, number, free_text "
                "or barriers",
            ),
            Column("not_applicable", "bool", "The trust answered 'not applicable'"),
            Column(
                "answer",
                "string",
                "The option chosen; for multiple choice and barriers the options ticked, "
                "joined by '; '",
            ),
            Column("number", "float64", "The number or percentage given"),
            Column("text", "string", "The free-text answer, or the description of the barriers"),
            Column("comment", "string", "The trust's comment on its answer"),
            Column("carried_forward", "bool", "Carried from last year and not yet confirmed"),
        ]

    def batches(self, *, user, filters: Filters) -> Iterator[list[list]]:
        assessments = _assessments(user=user, filters=filters)
        labels = dict(
            AnswerOption.objects.filter(
                question__framework_id__in=assessments.values("cycle__framework_id")
            ).values_list("pk", "label")
        )
        fields = tuple(f"assessment__{name}" for name in TRUST_FIELDS[1:])
        rows = (
            Response.objects.filter(assessment__in=assessments)
            .order_by("assessment__cycle__opens_on", "assessment__organisation__ods_code", "pk")
            .values_list(
                "pk",
                *fields,
                "question__domain__code",
                "question__code",
                "question__type",
                "is_not_applicable",
                "option_id",
                "number_value",
                "text_value",
                "comment",
                "carried_forward",
            )
            .iterator(chunk_size=BATCH_ROWS)
        )
        for chunk in _chunks(rows, BATCH_ROWS):
            ids = [row[0] for row in chunk]
            selected: dict[int, list[str]] = {}
            for response_id, option_id in (
                Response.selected_options.through.objects.filter(response_id__in=ids)
                .order_by("response_id", "answeroption__order")
                .values_list("response_id", "answeroption_id")
            ):
                selected.setdefault(response_id, []).append(labels[option_id])
            batch = []
            for row in chunk:
                trust = dict(zip(TRUST_FIELDS[1:], row[1:10], strict=True))
                domain, question, kind, not_applicable, option_id, number = row[10:16]
                text, comment, carried = row[16:]
                answer = labels.get(option_id) if option_id else None
                if kind in TICKED_TYPES and row[0] in selected:
                    answer = "; ".join(selected[row[0]])
                batch.append(
                    [
                        *_trust_values(trust),
                        domain,
                        question,
                        kind,
                        not_applicable,
                        answer,
                        _float(number),
                        text or None,
                        comment or None,
                        carried,
                    ]
                )
            yield batch


class PeerStatistics:
    name = "statistics"
    title = "Peer statistics of a benchmark run"
    description = (
        "One row per peer group and domain of the latest finished benchmark run of the cycle "
        "(or of every cycle): the group's size, mean, percentiles and trusts at each stage. "
        "A region, ICB or trust type filter keeps only the chosen group of its kind; the other "
        "kinds of group are all kept."
    )

    def _runs(self, filters: Filters) -> list[BenchmarkRun]:
        cycles = Cycle.objects.all()
        if filters.cycle_id is not None:
            cycles = cycles.filter(pk=filters.cycle_id)
        runs = []
        for cycle in cycles.order_by("opens_on"):
            run = (
                BenchmarkRun.objects.filter(cycle=cycle, status=JobStatus.DONE)
                .order_by("-finished_at", "-pk")
                .first()
            )
            if run is not None:
                runs.append(run)
        return runs

    def _stage_codes(self, filters: Filters) -> list[str]:
        frameworks = [run.cycle.framework_id for run in self._runs(filters)]
        return _distinct(
            Stage.objects.filter(framework_id__in=frameworks)
            .order_by("framework_id", "ordinal")
            .values_list("code", flat=True)
        )

    def columns(self, *, user, filters: Filters) -> list[Column]:
        return [
            Column("cycle", "string", "Assessment cycle"),
            Column("run", "int64", "The benchmark run's number"),
            Column("group_type", "string", "national, trust_type, region or icb"),
            Column("group_code", "string", "The group: ENG, a trust type, or an ODS code"),
            Column("group_name", "string", "The group's name"),
            Column("domain_code", "string", "The domain, or overall"),
            Column("n", "int64", "Trusts in the group with a score"),
            Column(
                "suppressed", "bool", "Fewer trusts than the run's minimum: no statistics given"
            ),
            Column("mean", "float64", "Mean score"),
            Column("p10", "float64", "10th percentile (linear interpolation)"),
            Column("lower_quartile", "float64", "25th percentile"),
            Column("median", "float64", "50th percentile"),
            Column("upper_quartile", "float64", "75th percentile"),
            Column("p90", "float64", "90th percentile"),
            *(
                Column(f"trusts_{code}", "int64", f"Trusts of the group at stage {code}")
                for code in self._stage_codes(filters)
            ),
        ]

    def batches(self, *, user, filters: Filters) -> Iterator[list[list]]:
        codes = self._stage_codes(filters)
        for run in self._runs(filters):
            rows = PeerGroupStatistic.objects.filter(run=run)
            for group_type, code in (
                (GroupType.REGION, filters.region_code),
                (GroupType.ICB, filters.icb_code),
                (GroupType.TRUST_TYPE, filters.trust_type),
            ):
                if code:
                    rows = rows.exclude(Q(group_type=group_type) & ~Q(group_code=code))
            batch = []
            for statistic in rows.order_by("group_type", "group_code", "domain_code"):
                counts = statistic.stage_counts or {}
                batch.append(
                    [
                        run.cycle.name,
                        run.pk,
                        statistic.group_type,
                        statistic.group_code,
                        statistic.group_name,
                        statistic.domain_code,
                        statistic.n,
                        statistic.suppressed,
                        statistic.mean,
                        statistic.p10,
                        statistic.lower_quartile,
                        statistic.median,
                        statistic.upper_quartile,
                        statistic.p90,
                        *(None if statistic.suppressed else counts.get(code, 0) for code in codes),
                    ]
                )
            if batch:
                yield batch


DATASETS: dict[str, Dataset] = {
    dataset.name: dataset for dataset in (TrustResults(), Answers(), PeerStatistics())
}
