"""What the dashboards show, read from stored results and benchmark tables.

A page load never scores or aggregates answers: scores come from ``AssessmentResult`` and
``DomainResult`` (written when answers are saved), peer figures from the newest finished
benchmark run. Every read takes a constant number of queries, however many trusts or cycles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from access import policy, scoping
from assessments.models import Assessment, AssessmentStatus, Cycle, DomainResult
from frameworks.models import Stage
from frameworks.scoring.rules import shown_score
from frameworks.selectors import framework_content
from organisations.models import IntegratedCareBoard, Organisation, TrustType
from reports.models import BenchmarkRun, GroupType, JobStatus, PeerGroupStatistic, TrustBenchmark
from reports.selectors import PeerComparison
from reports.statistics import NATIONAL_GROUP, OVERALL

OVERALL_NAME = "Overall"
NATIONAL_LABEL = "England"
TOP_NEXT_STEPS = 3


def cycles_newest_first() -> list[Cycle]:
    return list(Cycle.objects.select_related("framework").order_by("-opens_on"))


def current_cycle(cycles: list[Cycle]) -> Cycle | None:
    """The newest cycle that has opened (cycles newest first): the year being assessed now."""
    today = timezone.localdate()
    return next((cycle for cycle in cycles if cycle.opens_on <= today), None)


def previous_cycle_in(cycles: list[Cycle], cycle: Cycle) -> Cycle | None:
    """The cycle that opened last before ``cycle``: where "change since last year" looks."""
    earlier = [other for other in cycles if other.opens_on < cycle.opens_on]
    return max(earlier, key=lambda other: other.opens_on, default=None)


def latest_run(*, cycle: Cycle) -> BenchmarkRun | None:
    """The cycle's newest finished benchmark run: the peer figures every dashboard shows."""
    return (
        BenchmarkRun.objects.filter(cycle=cycle, status=JobStatus.DONE)
        .select_related("previous_cycle")
        .order_by("-finished_at", "-pk")
        .first()
    )


# --- a trust's dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class DomainFigures:
    """One domain (or the overall result) of the cycle shown, beside last year and the peers."""

    code: str
    name: str
    score: Decimal | None
    stage: Stage | None  # None until the domain is complete
    provisional_stage: Stage | None
    previous_score: Decimal | None
    peer: PeerGroupStatistic | None  # the chosen peer group's figures for this domain
    percentile: float | None  # the trust's place in that group, once its run compared it
    quartile: int | None
    next_steps: str = ""

    @property
    def change(self) -> Decimal | None:
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score

    @property
    def comparable(self) -> bool:
        return self.peer is not None and not self.peer.suppressed


@dataclass(frozen=True)
class PeerGroupChoice:
    group_type: str
    label: str
    code: str | None  # None: the assessment recorded no such group


@dataclass(frozen=True)
class TrendLine:
    code: str
    name: str
    scores: tuple[Decimal | None, ...]  # one per cycle of the trend, oldest first


@dataclass(frozen=True)
class TrustDashboard:
    organisation: Organisation
    assessment: Assessment  # the cycle shown
    assessments: tuple[Assessment, ...]  # every cycle the user may see, oldest first
    previous: Assessment | None  # last year's signed-off assessment, for the change
    run: BenchmarkRun | None  # the newest finished run of the cycle shown
    compared: bool  # whether that run compared this trust (only signed-off assessments are)
    places: tuple[PeerComparison, ...]  # the overall score's place in each peer group
    peer_group: PeerGroupChoice
    peer_groups: tuple[PeerGroupChoice, ...]
    overall: DomainFigures
    domains: tuple[DomainFigures, ...]
    stages: tuple[Stage, ...]
    next_steps: tuple[tuple[str, str], ...]  # (domain name, what it takes), most pressing first
    trend_cycles: tuple[str, ...]
    trend: tuple[TrendLine, ...]  # overall first, then each domain
    barriers_named: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (barrier, domains naming it)


def _barriers_named(definition, named: dict[str, list[str]]) -> tuple:
    """Each barrier the trust named, with the domains that named it: the most widely named
    first, then in the framework's order."""
    domain_names = {domain.code: domain.name for domain in definition.domains}
    found = [
        (
            barrier.name,
            tuple(
                domain_names[code] for code in domain_names if barrier.code in named.get(code, ())
            ),
        )
        for barrier in definition.barriers
    ]
    return tuple(sorted((item for item in found if item[1]), key=lambda item: -len(item[1])))


def trust_assessments_visible(*, user, organisation: Organisation) -> list[Assessment]:
    """The trust's assessments this user may see, oldest cycle first, with their results."""
    return list(
        scoping.assessments_visible_to(user=user)
        .filter(organisation=organisation)
        .exclude(status=AssessmentStatus.NOT_STARTED)
        .select_related("cycle__framework", "result__overall_stage", "region", "icb")
        .order_by("cycle__opens_on")
    )


def _domain_results(assessments: list[Assessment]) -> dict[int, dict[str, DomainResult]]:
    """Assessment id to its stored domain results by domain code: one query."""
    rows = DomainResult.objects.filter(
        result__assessment__in=[assessment.pk for assessment in assessments]
    ).select_related("domain", "stage", "provisional_stage", "result")
    found: dict[int, dict[str, DomainResult]] = {}
    for row in rows:
        found.setdefault(row.result.assessment_id, {})[row.domain.code] = row
    return found


def peer_group_choices(assessment: Assessment) -> tuple[PeerGroupChoice, ...]:
    """The four peer groups the assessment recorded when it started, named to read mid-sentence
    ("the median of acute trusts")."""
    return (
        PeerGroupChoice(GroupType.NATIONAL, f"all trusts in {NATIONAL_LABEL}", NATIONAL_GROUP),
        PeerGroupChoice(
            GroupType.TRUST_TYPE,
            f"{TrustType(assessment.trust_type).label.lower()} trusts",
            assessment.trust_type,
        ),
        PeerGroupChoice(
            GroupType.REGION, f"trusts in {assessment.region.name}", assessment.region.code
        ),
        PeerGroupChoice(
            GroupType.ICB, f"trusts in {short_icb_name(assessment.icb.name)}", assessment.icb.code
        ),
    )


def short_icb_name(name: str) -> str:
    """ "NHS Greater Manchester Integrated Care Board" reads as "NHS Greater Manchester ICB"."""
    return name.replace("Integrated Care Board", "ICB")


def trust_dashboard(
    *,
    organisation: Organisation,
    assessments: list[Assessment],
    cycle_id: int | None,
    peer_group: str,
) -> TrustDashboard:
    """The trust's stages for one cycle (the newest of ``assessments``, the ones the user may
    see, unless another is asked for). Six queries whatever the number of cycles."""
    by_cycle = {assessment.cycle_id: assessment for assessment in assessments}
    assessment = by_cycle.get(cycle_id, assessments[-1])
    cycles = cycles_newest_first()
    previous_cycle = previous_cycle_in(cycles, assessment.cycle)
    previous = by_cycle.get(previous_cycle.pk) if previous_cycle else None
    if previous is not None and previous.status != AssessmentStatus.SIGNED_OFF:
        previous = None
    results = _domain_results(assessments)
    choices = peer_group_choices(assessment)
    chosen = next((choice for choice in choices if choice.group_type == peer_group), choices[0])
    run = latest_run(cycle=assessment.cycle)
    positions: dict[str, TrustBenchmark] = {}
    every_group: dict[tuple[str, str], PeerGroupStatistic] = {}  # (group type, domain)
    if run is not None:
        positions = {
            row.domain_code: row
            for row in TrustBenchmark.objects.filter(run=run, assessment=assessment)
        }
        groups = Q()
        for choice in choices:
            groups |= Q(group_type=choice.group_type, group_code=choice.code)
        every_group = {
            (row.group_type, row.domain_code): row
            for row in PeerGroupStatistic.objects.filter(groups, run=run)
        }
    statistics = {
        domain: row
        for (group_type, domain), row in every_group.items()
        if group_type == chosen.group_type
    }
    content = framework_content(framework=assessment.cycle.framework)
    own = results.get(assessment.pk, {})
    before = results.get(previous.pk, {}) if previous else {}

    def figures(code: str, name: str) -> DomainFigures:
        position = positions.get(code)
        if code == OVERALL:
            result = getattr(assessment, "result", None)
            score = result.overall_score if result else None
            stage = result.overall_stage if result else None
            provisional, steps = stage, (result.explanation.get("next_steps", "") if result else "")
            previous_result = getattr(previous, "result", None) if previous else None
            previous_score = previous_result.overall_score if previous_result else None
        else:
            row = own.get(code)
            score = row.score if row else None
            stage = row.stage if row else None
            provisional = row.provisional_stage if row else None
            steps = row.explanation.get("next_steps", "") if row else ""
            previous_score = before[code].score if code in before else None
        return DomainFigures(
            code=code,
            name=name,
            score=score,
            stage=stage,
            provisional_stage=provisional,
            previous_score=previous_score,
            peer=statistics.get(code),
            percentile=getattr(position, f"{chosen.group_type}_percentile", None),
            quartile=getattr(position, f"{chosen.group_type}_quartile", None),
            next_steps=steps,
        )

    domains = tuple(figures(domain.code, domain.name) for domain in content.domains)
    top_stage = content.stages[-1].ordinal if content.stages else 0
    pressing = sorted(
        (
            domain
            for domain in domains
            if domain.next_steps
            and (domain.stage or domain.provisional_stage)
            and (domain.stage or domain.provisional_stage).ordinal < top_stage
        ),
        key=lambda domain: ((domain.stage or domain.provisional_stage).ordinal, domain.score or 0),
    )
    trend_assessments = [a for a in assessments if getattr(a, "result", None) is not None]
    trend = (
        TrendLine(
            OVERALL,
            OVERALL_NAME,
            tuple(a.result.overall_score for a in trend_assessments),
        ),
        *(
            TrendLine(
                domain.code,
                domain.name,
                tuple(
                    results.get(a.pk, {}).get(domain.code).score
                    if domain.code in results.get(a.pk, {})
                    else None
                    for a in trend_assessments
                ),
            )
            for domain in content.domains
        ),
    )
    return TrustDashboard(
        organisation=organisation,
        assessment=assessment,
        assessments=tuple(assessments),
        previous=previous,
        run=run,
        compared=bool(positions),
        places=tuple(
            PeerComparison(
                group_type=choice.group_type,
                group_label=choice.label,
                statistic=every_group.get((choice.group_type, OVERALL)),
                percentile=getattr(positions.get(OVERALL), f"{choice.group_type}_percentile", None),
                quartile=getattr(positions.get(OVERALL), f"{choice.group_type}_quartile", None),
            )
            for choice in choices
        ),
        peer_group=chosen,
        peer_groups=choices,
        overall=figures(OVERALL, OVERALL_NAME),
        domains=domains,
        stages=content.stages,
        next_steps=tuple((domain.name, domain.next_steps) for domain in pressing[:TOP_NEXT_STEPS]),
        barriers_named=_barriers_named(
            content.definition, getattr(getattr(assessment, "result", None), "barriers", {})
        ),
        trend_cycles=tuple(
            f"{a.cycle.name}"
            + ("" if a.status == AssessmentStatus.SIGNED_OFF else " (not signed off)")
            for a in trend_assessments
        ),
        trend=trend,
    )


# --- the national dashboard and an ICB's summary -------------------------------------------------


@dataclass(frozen=True)
class TrustRow:
    """One trust in the national table: where it is and how far its assessment has got.

    Plain values, not model instances: the table holds every trust in England.
    """

    organisation_id: int
    ods_code: str
    name: str
    trust_type: str
    region_code: str
    region_name: str
    icb_code: str
    icb_name: str  # short: "… ICB"
    status: str
    assessment_id: int | None  # only for assessments the viewer may see
    stage: Stage | None  # likewise
    score: Decimal | None

    @property
    def status_label(self) -> str:
        return AssessmentStatus(self.status).label

    @property
    def trust_type_label(self) -> str:
        return TrustType(self.trust_type).label

    @property
    def progress_rank(self) -> int:
        """Not started first, signed off last: how far the assessment has got."""
        return _PROGRESS_ORDER[_completion_status(self.status)]


@dataclass(frozen=True)
class CompletionRow:
    label: str
    counts: dict[str, int]  # status -> trusts

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, status: str) -> float:
        return 100 * self.counts.get(status, 0) / self.total if self.total else 0.0


@dataclass(frozen=True)
class HeatRow:
    label: str
    group_type: str
    n: int | None
    medians: dict[str, float | None]  # domain code -> median; None where suppressed or missing


@dataclass(frozen=True)
class Movement:
    code: str
    name: str
    up: int
    same: int
    down: int


@dataclass(frozen=True)
class ShareRow:
    """One group of signed-off trusts: the share of them with each property (ready to adopt a
    technology, or naming a barrier). ``n`` trusts in the group; a share is None when ``n`` is
    below the fewer-than rule."""

    label: str
    n: int
    shares: dict[str, float | None]  # technology or barrier code -> %


@dataclass(frozen=True)
class SignedOffResult:
    """A signed-off trust's stored readiness and barriers, with the trust's groups."""

    trust: TrustRow
    ready: dict[str, bool]  # technology code -> ready
    barriers: dict[str, list[str]]  # domain code -> barrier codes named


@dataclass(frozen=True)
class NationalDashboard:
    cycle: Cycle
    cycles: list[Cycle]
    icb: IntegratedCareBoard | None  # an ICB's summary, or None for England
    run: BenchmarkRun | None
    stages: tuple[Stage, ...]
    domains: tuple[tuple[str, str], ...]  # (code, name), overall last
    completion: tuple[CompletionRow, ...]  # by region (England) or trust type (an ICB), total last
    stage_counts: dict[str, dict[str, int]]  # domain code -> stage code -> trusts
    compared_trusts: int
    heat_rows: tuple[HeatRow, ...]
    movements: tuple[Movement, ...]
    trusts: tuple[TrustRow, ...]
    min_peers: int | None = None
    statuses: tuple[tuple[str, str], ...] = field(default=())
    technologies: tuple[tuple[str, str], ...] = ()  # (code, name) the cycle's framework lists
    readiness_rows: tuple[ShareRow, ...] = ()
    barriers: tuple[tuple[str, str], ...] = ()  # (code, name) the cycle's framework lists
    barrier_rows: tuple[ShareRow, ...] = ()  # any domain first, then each domain asking


COMPLETION_STATUSES = (
    (AssessmentStatus.NOT_STARTED, "Not started"),
    (AssessmentStatus.IN_PROGRESS, "In progress"),
    (AssessmentStatus.SUBMITTED, "Submitted"),
    (AssessmentStatus.SIGNED_OFF, "Signed off"),
)


def _completion_status(status: str) -> str:
    """A returned assessment is being worked on again: it counts as in progress."""
    return AssessmentStatus.IN_PROGRESS if status == AssessmentStatus.RETURNED else status


def trust_rows(*, user, cycle: Cycle, organisations: QuerySet[Organisation]) -> list[TrustRow]:
    """Each trust in view with its assessment of the cycle: two queries, read as plain values.

    Every trust's status is shown (completion is no secret); its stage and score only where the
    policy lets the viewer see the assessment itself.
    """
    active = organisations.filter(active=True)
    trusts = active.order_by("name").values_list(
        "pk",
        "ods_code",
        "name",
        "trust_type",
        "region__code",
        "region__name",
        "icb__code",
        "icb__name",
    )
    assessments = {
        row[1]: row
        for row in Assessment.objects.filter(cycle=cycle, organisation__in=active).values_list(
            "pk", "organisation_id", "status", "result__overall_stage_id", "result__overall_score"
        )
    }
    stages = {stage.pk: stage for stage in framework_content(framework=cycle.framework).stages}
    may_see = policy.assessment_viewer(user)
    rows = []
    for pk, ods_code, name, trust_type, region_code, region_name, icb_code, icb_name in trusts:
        assessment_id, _, status, stage_id, score = assessments.get(
            pk, (None, pk, AssessmentStatus.NOT_STARTED, None, None)
        )
        shown = assessment_id is not None and may_see(pk, status)
        rows.append(
            TrustRow(
                organisation_id=pk,
                ods_code=ods_code,
                name=name,
                trust_type=trust_type,
                region_code=region_code,
                region_name=region_name,
                icb_code=icb_code,
                icb_name=short_icb_name(icb_name),
                status=status,
                assessment_id=assessment_id if shown else None,
                stage=stages.get(stage_id) if shown else None,
                score=score if shown else None,
            )
        )
    return rows


def _completion(rows: list[TrustRow], *, by: str) -> tuple[CompletionRow, ...]:
    groups: dict[str, Counter] = {}
    for row in rows:
        key = row.region_name if by == "region" else row.trust_type_label
        groups.setdefault(key, Counter())[_completion_status(row.status)] += 1
    total = sum(groups.values(), Counter())
    return (
        *(CompletionRow(label, dict(counts)) for label, counts in sorted(groups.items())),
        CompletionRow("All trusts" if by == "trust_type" else NATIONAL_LABEL, dict(total)),
    )


def _stage_counts(run: BenchmarkRun, trust_ids: list[int] | None) -> dict[str, dict[str, int]]:
    """Domain code to stage code to the number of the run's trusts at it: one query."""
    rows = TrustBenchmark.objects.filter(run=run).exclude(stage_code="")
    if trust_ids is not None:
        rows = rows.filter(assessment__organisation_id__in=trust_ids)
    counts: dict[str, dict[str, int]] = {}
    for row in rows.values("domain_code", "stage_code").annotate(trusts=Count("pk")).order_by():
        counts.setdefault(row["domain_code"], {})[row["stage_code"]] = row["trusts"]
    return counts


def _movements(run: BenchmarkRun, trust_ids: list[int] | None, domains) -> tuple[Movement, ...]:
    """Per domain, how many trusts compared in both years moved up, stayed or moved down a
    stage, as the run recorded it: one query."""
    rows = TrustBenchmark.objects.filter(run=run, stage_movement__isnull=False)
    if trust_ids is not None:
        rows = rows.filter(assessment__organisation_id__in=trust_ids)
    counted = {
        row["domain_code"]: row
        for row in rows.values("domain_code")
        .annotate(
            up=Count("pk", filter=Q(stage_movement__gt=0)),
            same=Count("pk", filter=Q(stage_movement=0)),
            down=Count("pk", filter=Q(stage_movement__lt=0)),
        )
        .order_by()
    }
    if not counted:
        return ()
    return tuple(
        Movement(
            code,
            name,
            counted.get(code, {}).get("up", 0),
            counted.get(code, {}).get("same", 0),
            counted.get(code, {}).get("down", 0),
        )
        for code, name in domains
    )


def _heat_rows(
    run: BenchmarkRun, *, icb: IntegratedCareBoard | None, domains
) -> tuple[HeatRow, ...]:
    """Median domain scores: by region and by trust type for England; for an ICB, the ICB beside
    its region and England. From the run's stored peer statistics: one query."""
    if icb is None:
        condition = Q(group_type__in=[GroupType.NATIONAL, GroupType.REGION, GroupType.TRUST_TYPE])
    else:
        condition = Q(group_type=GroupType.NATIONAL) | Q(
            group_type=GroupType.ICB, group_code=icb.code
        )
        condition |= Q(
            group_type=GroupType.REGION,
            group_code__in=Organisation.objects.filter(icb=icb).values("region__code"),
        )
    groups: dict[tuple[str, str], dict] = {}
    for statistic in PeerGroupStatistic.objects.filter(condition, run=run):
        group = groups.setdefault(
            (statistic.group_type, statistic.group_code),
            {"name": statistic.group_name, "n": None, "medians": {}},
        )
        group["medians"][statistic.domain_code] = None if statistic.suppressed else statistic.median
        if statistic.domain_code == OVERALL:
            group["n"] = statistic.n
    order = {GroupType.ICB: 0, GroupType.REGION: 1, GroupType.TRUST_TYPE: 2, GroupType.NATIONAL: 3}
    if icb is None:
        order = {GroupType.REGION: 0, GroupType.TRUST_TYPE: 1, GroupType.NATIONAL: 2}
    labels = dict(TrustType.choices)
    rows = []
    for (group_type, code), group in sorted(
        groups.items(), key=lambda item: (order[item[0][0]], item[1]["name"])
    ):
        label = NATIONAL_LABEL if group_type == GroupType.NATIONAL else group["name"]
        if group_type == GroupType.TRUST_TYPE:
            label = f"{labels.get(code, group['name'])} trusts"
        rows.append(
            HeatRow(
                label=label,
                group_type=group_type,
                n=group["n"],
                medians={code: group["medians"].get(code) for code, _ in domains},
            )
        )
    return tuple(rows)


def national_dashboard(
    *, user, cycles: list[Cycle], cycle: Cycle | None, icb: IntegratedCareBoard | None = None
) -> NationalDashboard | None:
    """England's picture, or one ICB's, for a cycle (the current one unless asked); None when
    no cycle has opened yet. Eight queries, however many trusts and cycles."""
    cycle = cycle or current_cycle(cycles)
    if cycle is None:
        return None
    organisations = scoping.organisations_visible_to(user=user)
    if icb is not None:
        organisations = organisations.filter(icb=icb)
    trusts = trust_rows(user=user, cycle=cycle, organisations=organisations)
    trust_ids = None if icb is None else [row.organisation_id for row in trusts]
    content = framework_content(framework=cycle.framework)
    domains = (
        *((domain.code, domain.name) for domain in content.domains),
        (OVERALL, OVERALL_NAME),
    )
    run = latest_run(cycle=cycle)
    stage_counts = _stage_counts(run, trust_ids) if run else {}
    definition = content.definition
    results = (
        _signed_off_results(cycle, trusts) if definition.technologies or definition.barriers else []
    )
    return NationalDashboard(
        cycle=cycle,
        cycles=cycles,
        icb=icb,
        run=run,
        stages=content.stages,
        domains=domains,
        completion=_completion(trusts, by="trust_type" if icb else "region"),
        stage_counts=stage_counts,
        compared_trusts=sum(stage_counts.get(OVERALL, {}).values()),
        heat_rows=_heat_rows(run, icb=icb, domains=domains) if run else (),
        movements=_movements(run, trust_ids, domains) if run else (),
        trusts=tuple(trusts),
        min_peers=run.min_peers if run else None,
        statuses=COMPLETION_STATUSES,
        technologies=tuple((t.code, t.name) for t in definition.technologies),
        readiness_rows=_readiness_rows(results, definition, icb=icb)
        if definition.technologies
        else (),
        barriers=tuple((b.code, b.name) for b in definition.barriers),
        barrier_rows=_barrier_rows(results, definition, icb=icb) if definition.barriers else (),
    )


def _signed_off_results(cycle: Cycle, trusts: list[TrustRow]) -> list[SignedOffResult]:
    """The stored readiness and barriers of the signed-off trusts in view: one query."""
    by_trust = {row.organisation_id: row for row in trusts}
    stored = Assessment.objects.filter(
        cycle=cycle,
        status=AssessmentStatus.SIGNED_OFF,
        organisation_id__in=list(by_trust),
        result__isnull=False,
    ).values_list("organisation_id", "result__readiness", "result__barriers")
    return [
        SignedOffResult(
            trust=by_trust[organisation_id],
            ready={item["code"]: item["ready"] for item in readiness or []},
            barriers=barriers or {},
        )
        for organisation_id, readiness, barriers in stored
    ]


def _share_row(label: str, members: list[set[str]], codes: list[str]) -> ShareRow:
    """Each code's share of the members holding it, to one decimal place; none for few."""
    shown = len(members) >= max(settings.BENCHMARK_MIN_PEERS, 1)
    return ShareRow(
        label=label,
        n=len(members),
        shares={
            code: shown_score(Fraction(100 * sum(code in m for m in members), len(members)))
            if shown
            else None
            for code in codes
        },
    )


def _readiness_rows(
    results: list[SignedOffResult], definition, *, icb: IntegratedCareBoard | None
) -> tuple[ShareRow, ...]:
    """Shares of signed-off trusts ready for each technology: by region and trust type, then
    England (or the ICB's trusts, by type, then the ICB)."""
    regions: dict[str, list[set[str]]] = {}
    types: dict[str, list[set[str]]] = {}
    everyone = []
    for result in results:
        ready = {code for code, is_ready in result.ready.items() if is_ready}
        everyone.append(ready)
        if icb is None:
            regions.setdefault(result.trust.region_name, []).append(ready)
        types.setdefault(f"{result.trust.trust_type_label} trusts", []).append(ready)
    codes = [technology.code for technology in definition.technologies]
    return (
        *(_share_row(label, members, codes) for label, members in sorted(regions.items())),
        *(_share_row(label, members, codes) for label, members in sorted(types.items())),
        _share_row(icb.name if icb else NATIONAL_LABEL, everyone, codes),
    )


def _barrier_rows(
    results: list[SignedOffResult], definition, *, icb: IntegratedCareBoard | None
) -> tuple[ShareRow, ...]:
    """Shares of signed-off trusts naming each barrier: first in any domain, of the trusts that
    named at least one; then per domain with a barriers question, of the trusts that answered
    it."""
    codes = [barrier.code for barrier in definition.barriers]
    asking = [
        domain
        for domain in definition.domains
        if any(question.type == "barriers" for question in domain.questions)
    ]
    anywhere = [
        {code for named in result.barriers.values() for code in named}
        for result in results
        if result.barriers
    ]
    where = icb.name if icb else NATIONAL_LABEL
    return (
        _share_row(f"Any domain ({where})", anywhere, codes),
        *(
            _share_row(
                domain.name,
                [set(r.barriers[domain.code]) for r in results if domain.code in r.barriers],
                codes,
            )
            for domain in asking
        ),
    )


_PROGRESS_ORDER = {status: index for index, (status, _) in enumerate(COMPLETION_STATUSES)}
_SORT_KEYS = {
    "name": lambda row: (row.name,),
    "region": lambda row: (row.region_name, row.name),
    "icb": lambda row: (row.icb_name, row.name),
    "trust_type": lambda row: (row.trust_type_label, row.name),
    "status": lambda row: (
        _PROGRESS_ORDER.get(_completion_status(row.status), 0),
        row.name,
    ),
    "stage": lambda row: (
        row.stage.ordinal if row.stage else len(_PROGRESS_ORDER) + 100,
        row.name,
    ),
}


def table_rows(
    rows: tuple[TrustRow, ...],
    *,
    region: str = "",
    icb: str = "",
    trust_type: str = "",
    status: str = "",
    stage: str = "",
    sort: str = "",
) -> list[TrustRow]:
    """The trusts that match every filter given, in the order asked (by name otherwise)."""
    chosen = [
        row
        for row in rows
        if (not region or row.region_code == region)
        and (not icb or row.icb_code == icb)
        and (not trust_type or row.trust_type == trust_type)
        and (not status or _completion_status(row.status) == status)
        and (
            not stage
            or (
                row.stage is None
                if stage == "none"
                else bool(row.stage and row.stage.code == stage)
            )
        )
    ]
    return sorted(chosen, key=_SORT_KEYS.get(sort, _SORT_KEYS["name"]))
