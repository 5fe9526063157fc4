"""Stored results for dashboards to read: many trusts, several cycles, a finished run per cycle.

Dashboards read stored scores and benchmark tables only, so the population is written straight
into those tables (in bulk: 500 trusts × 3 cycles in seconds). Scores are random but the stages,
statistics and positions written beside them follow from them as a run would store them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone

from assessments.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Cycle,
    DomainResult,
)
from frameworks.definition import PrerequisiteDef, TechnologyDef
from frameworks.models import Domain, Framework, Stage
from frameworks.services import framework_import
from organisations.models import IntegratedCareBoard, Organisation, Region
from reports.models import (
    BenchmarkRun,
    GroupType,
    JobStatus,
    JobTrigger,
    PeerGroupStatistic,
    TrustBenchmark,
)
from tests.factories import BARRIERS, barriers_framework_definition, published_framework

REGIONS = 3
ICBS_PER_REGION = 3
TYPES = ("acute", "mental-health", "community")
STATUSES = (
    AssessmentStatus.SIGNED_OFF,
    AssessmentStatus.SIGNED_OFF,
    AssessmentStatus.SIGNED_OFF,
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.IN_PROGRESS,
    AssessmentStatus.RETURNED,
)
MIN_PEERS = 5
REMOTE_MONITORING = TechnologyDef(
    "remote-monitoring",
    "Remote patient monitoring",
    "Readings from home.",
    (PrerequisiteDef(why="Needs infrastructure.", domain="D1", stage="established"),),
)


@dataclass
class Population:
    framework: Framework
    cycles: list[Cycle]  # oldest first; the last is open today
    trusts: list[Organisation]
    icbs: list[IntegratedCareBoard]
    runs: list[BenchmarkRun]


def _stage_for(score: float, stages: list[Stage]) -> Stage:
    """Thresholds 25, 50 and 75, as the test framework sets them."""
    return stages[min(int(score // 25), len(stages) - 1)]


def _barriers_named(rng, domains) -> dict[str, list[str]]:
    """One to three of the test barriers for some of the domains, funding named most."""
    codes = [barrier["code"] for barrier in BARRIERS]
    named = {}
    for domain in domains:
        if rng.random() < 0.7:
            count = int(rng.integers(1, 4))
            chosen = rng.choice(len(codes), size=count, replace=False, p=[0.55, 0.2, 0.15, 0.1])
            named[domain.code] = [codes[index] for index in sorted(chosen)]
    return named


def populate(
    *,
    trusts: int,
    cycles: int,
    regions: int = REGIONS,
    icbs_per_region: int = ICBS_PER_REGION,
    seed: int = 1,
    technologies: bool = False,
) -> Population:
    """``trusts`` trusts spread over the regions and ICBs, each with an assessment, stored
    results and a place in a finished run in each of ``cycles`` cycles."""
    rng = np.random.default_rng(seed)
    framework = (
        framework_import(
            definition=dataclasses.replace(
                barriers_framework_definition(), technologies=(REMOTE_MONITORING,)
            ),
            publish=True,
            user=None,
        ).framework
        if technologies
        else published_framework()
    )
    stages = list(Stage.objects.filter(framework=framework).order_by("ordinal"))
    domains = list(Domain.objects.filter(framework=framework).order_by("order"))
    today = timezone.localdate()
    cycle_rows = [
        Cycle.objects.create(
            name=f"{2026 - cycles + 1 + index}/{(27 - cycles + 1 + index) % 100:02d}",
            framework=framework,
            opens_on=today - dt.timedelta(days=30 + 365 * (cycles - 1 - index)),
            closes_on=today + dt.timedelta(days=60 - 365 * (cycles - 1 - index)),
        )
        for index in range(cycles)
    ]
    region_rows = [
        Region.objects.create(code=f"Y{70 + r}", name=f"Test region {r + 1}")
        for r in range(regions)
    ]
    icbs = [
        IntegratedCareBoard.objects.create(
            code=f"Q{r}{i:02d}",
            gss_code=f"E54{r:02d}{i:02d}00",
            name=f"NHS Test {r + 1}-{i + 1} Integrated Care Board",
        )
        for r in range(regions)
        for i in range(icbs_per_region)
    ]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            ods_code=f"Z{number:04d}",
            name=f"Trust {number:04d} NHS Foundation Trust",
            trust_type=TYPES[number % len(TYPES)],
            region=region_rows[(number % len(icbs)) // icbs_per_region],
            icb=icbs[number % len(icbs)],
        )
        for number in range(trusts)
    )
    runs = []
    previous_stage: dict[tuple[int, str], int] = {}
    for index, cycle in enumerate(cycle_rows):
        statuses = rng.choice(len(STATUSES), size=trusts)
        assessments = Assessment.objects.bulk_create(
            Assessment(
                organisation=organisation,
                cycle=cycle,
                status=STATUSES[status],
                region_id=organisation.region_id,
                icb_id=organisation.icb_id,
                trust_type=organisation.trust_type,
                submitted_at=timezone.now(),
                signed_off_at=timezone.now()
                if STATUSES[status] == AssessmentStatus.SIGNED_OFF
                else None,
                signed_off_name="Pat Chair",
                signed_off_role="Chair",
            )
            for organisation, status in zip(organisations, statuses, strict=True)
        )
        scores = rng.uniform(5, 95, size=(trusts, len(domains))).round(1)
        overall = scores.mean(axis=1).round(1)
        results = AssessmentResult.objects.bulk_create(
            AssessmentResult(
                assessment=assessment,
                overall_score=Decimal(str(overall[row])),
                overall_stage=_stage_for(overall[row], stages),
                incomplete=False,
                explanation={"summary": "Stored for the test.", "next_steps": "Do more."},
                readiness=[
                    {
                        "code": REMOTE_MONITORING.code,
                        "name": REMOTE_MONITORING.name,
                        "ready": bool(overall[row] >= 50),
                        "unmet": [],
                    }
                ]
                if technologies
                else [],
                barriers=_barriers_named(rng, domains) if technologies else {},
                engine_version="test",
                computed_at=timezone.now(),
            )
            for row, assessment in enumerate(assessments)
        )
        DomainResult.objects.bulk_create(
            DomainResult(
                result=result,
                domain=domain,
                score=Decimal(str(scores[row, column])),
                stage=_stage_for(scores[row, column], stages),
                provisional_stage=_stage_for(scores[row, column], stages),
                incomplete=False,
                answered=3,
                explanation={"next_steps": f"Improve {domain.code}."},
            )
            for row, result in enumerate(results)
            for column, domain in enumerate(domains)
        )
        run = BenchmarkRun.objects.create(
            cycle=cycle,
            previous_cycle=cycle_rows[index - 1] if index else None,
            fingerprint=f"{index:064d}",
            min_peers=MIN_PEERS,
            trigger=JobTrigger.NIGHTLY,
            status=JobStatus.DONE,
            progress=100,
            finished_at=timezone.now(),
        )
        signed = [
            row
            for row, assessment in enumerate(assessments)
            if assessment.status == AssessmentStatus.SIGNED_OFF
        ]
        run.assessment_count = len(signed)
        run.save(update_fields=["assessment_count"])
        codes = [domain.code for domain in domains] + ["overall"]
        table = np.column_stack([scores, overall])
        positions = []
        for row in signed:
            organisation = organisations[row]
            for column, code in enumerate(codes):
                stage = _stage_for(table[row, column], stages)
                key = (organisation.pk, code)
                movement = stage.ordinal - previous_stage[key] if key in previous_stage else None
                positions.append(
                    TrustBenchmark(
                        run=run,
                        assessment=assessments[row],
                        domain_code=code,
                        score=Decimal(str(table[row, column])),
                        stage_code=stage.code,
                        stage_movement=movement,
                        national_percentile=50.0,
                        national_quartile=2,
                    )
                )
        TrustBenchmark.objects.bulk_create(positions)
        previous_stage = {
            (organisations[row].pk, code): _stage_for(table[row, column], stages).ordinal
            for row in signed
            for column, code in enumerate(codes)
        }
        groups = {
            (GroupType.NATIONAL, "ENG", "England"): signed,
            **{
                (GroupType.REGION, region.code, region.name): [
                    row for row in signed if organisations[row].region_id == region.pk
                ]
                for region in region_rows
            },
            **{
                (GroupType.TRUST_TYPE, kind, kind): [
                    row for row in signed if organisations[row].trust_type == kind
                ]
                for kind in TYPES
            },
            **{
                (GroupType.ICB, icb.code, icb.name): [
                    row for row in signed if organisations[row].icb_id == icb.pk
                ]
                for icb in icbs
            },
        }
        statistics = []
        for (group_type, code, name), rows in groups.items():
            for column, domain_code in enumerate(codes):
                values = table[rows, column]
                suppressed = len(rows) < MIN_PEERS
                p10, q1, median, q3, p90 = (
                    (None,) * 5
                    if suppressed
                    else tuple(float(v) for v in np.percentile(values, [10, 25, 50, 75, 90]))
                )
                statistics.append(
                    PeerGroupStatistic(
                        run=run,
                        group_type=group_type,
                        group_code=code,
                        group_name=name,
                        domain_code=domain_code,
                        n=len(rows),
                        suppressed=suppressed,
                        mean=None if suppressed else float(values.mean()),
                        p10=p10,
                        lower_quartile=q1,
                        median=median,
                        upper_quartile=q3,
                        p90=p90,
                        stage_counts=None
                        if suppressed
                        else {
                            stage.code: int(
                                sum(_stage_for(v, stages) == stage for v in values.tolist())
                            )
                            for stage in stages
                        },
                    )
                )
        PeerGroupStatistic.objects.bulk_create(statistics)
        runs.append(run)
    return Population(
        framework=framework, cycles=cycle_rows, trusts=organisations, icbs=icbs, runs=runs
    )


@pytest.fixture
def population(db) -> Population:
    return populate(trusts=40, cycles=2)
