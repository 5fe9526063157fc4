"""Benchmark runs: asked for once per set of inputs, computed by a worker, stored all at once.

A run's rows are written in one transaction at its end, together with its "done" status, so a
worker killed part-way leaves no partial rows, and the attempt that replaces it starts clean.
The same cycle with the same signed-off assessments has the same fingerprint: asking again
finds the existing run instead of computing a second one.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from access import policy
from assessments.models import Assessment, AssessmentStatus, Cycle
from audit.models import AuditAction
from audit.services import audit_record
from frameworks.scoring.engine import ENGINE_VERSION
from frameworks.scoring.vectorised import score_frame
from frameworks.selectors import framework_content
from organisations.models import IntegratedCareBoard, Region, TrustType
from reports import selectors
from reports.models import (
    BenchmarkRun,
    GroupType,
    JobTrigger,
    PeerGroupStatistic,
    TrustBenchmark,
)
from reports.services.bulk import bulk_insert, bulk_insert_frame
from reports.services.jobs import (
    BROKER_ERRORS,
    JobError,
    job_claim,
    job_done,
    job_find_or_queue,
    job_lock_own,
    job_progress,
    job_retry,
)
from reports.statistics import GROUP_TYPES, OVERALL, peer_positions, peer_statistics

logger = logging.getLogger(__name__)
METHOD_VERSION = "1"  # part of every fingerprint: a change of method makes every run new


class BenchmarkError(JobError):
    """A run that cannot be started, with the reason in words a person can act on."""


def benchmark_fingerprint(*, cycle: Cycle, previous: Cycle | None, min_peers: int) -> str:
    """A hash of everything a run's results depend on: same inputs, same fingerprint."""
    signed_off = {
        str(c.pk): [
            [pk, signed_off_at.isoformat() if signed_off_at else None]
            for pk, signed_off_at in Assessment.objects.filter(
                cycle=c, status=AssessmentStatus.SIGNED_OFF
            )
            .order_by("pk")
            .values_list("pk", "signed_off_at")
        ]
        for c in (cycle, previous)
        if c is not None
    }
    inputs = {
        "method": METHOD_VERSION,
        "engine": ENGINE_VERSION,
        "cycle": cycle.pk,
        "framework": [cycle.framework_id, str(cycle.framework.published_at)],
        "previous": previous.pk if previous else None,
        "min_peers": min_peers,
        "signed_off": signed_off,
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def benchmark_run_request(*, cycle: Cycle, user, trigger: str) -> BenchmarkRun:
    """The run for the cycle as its data stands now: found if it exists, else queued.

    ``user`` is None for the automatic triggers (after sign-off, nightly). A failed run with
    the same inputs is queued again, and so is a queued one; a running or done one is returned
    as it is.
    """
    if user is not None and not policy.can_run_benchmarks(user):
        raise PermissionDenied("Only NHS England analysts and framework admins start runs.")
    if not Assessment.objects.filter(cycle=cycle, status=AssessmentStatus.SIGNED_OFF).exists():
        raise BenchmarkError(
            f"No trust has signed off its {cycle.name} self-assessment yet, so there is "
            "nothing to compare."
        )
    previous = selectors.previous_cycle_of(cycle)
    min_peers = settings.BENCHMARK_MIN_PEERS
    fingerprint = benchmark_fingerprint(cycle=cycle, previous=previous, min_peers=min_peers)
    with transaction.atomic():
        run, queued = job_find_or_queue(
            model=BenchmarkRun,
            lookup={"cycle": cycle, "fingerprint": fingerprint},
            defaults={
                "min_peers": min_peers,
                "previous_cycle": previous,
                "trigger": trigger,
                "requested_by": user,
            },
            task=_task(),
        )
        if queued:
            _audit(run, user=user, trigger=trigger, new=f"run {run.pk}")
    return run


def _task():
    from reports.tasks import benchmark_run_task  # tasks import this module

    return benchmark_run_task


def _audit(run: BenchmarkRun, *, user, trigger: str, new: str) -> None:
    audit_record(
        actor=user,
        action=AuditAction.BENCHMARK_REQUESTED,
        subject=f"benchmark {run.cycle.name}",
        new=new,
        reason=JobTrigger(trigger).label,
    )


def benchmark_schedule_after_sign_off(*, assessment: Assessment) -> None:
    """After the sign-off commits, a run for its cycle a little later (debounced).

    A sign-off never fails for want of a queue: if it is down, the nightly run catches up.
    """
    from reports.tasks import benchmark_after_sign_off_task

    def schedule() -> None:
        try:
            benchmark_after_sign_off_task.apply_async(
                (assessment.cycle_id, assessment.signed_off_at.isoformat()),
                countdown=settings.BENCHMARK_SIGN_OFF_DELAY_SECONDS,
            )
        except BROKER_ERRORS as error:
            logger.warning("benchmark after sign-off not queued: %s", error)

    transaction.on_commit(schedule)


@dataclass(frozen=True)
class _Scores:
    """A cycle's signed-off assessments and their scores, one row per assessment × domain."""

    long: pd.DataFrame  # assessment, organisation, domain, score, stage, one column per group
    stage_codes: tuple[str, ...]


def _cycle_scores(cycle: Cycle) -> _Scores:
    """Scored with the engine's vectorised path over every signed-off assessment at once."""
    assessments = selectors.signed_off_assessments(cycle=cycle)
    definition = framework_content(framework=cycle.framework).definition
    stage_codes = tuple(stage.code for stage in definition.stages)
    ids = assessments["assessment"].tolist()
    signed_off = Assessment.objects.filter(cycle=cycle, status=AssessmentStatus.SIGNED_OFF)
    answers = selectors.answers_frame(assessments=signed_off, framework=cycle.framework)
    # Only the assessments read above, should another be signed off between the two reads.
    answers = answers[answers["respondent"].isin(ids)]
    scored = score_frame(definition, answers, respondents=ids)
    domains = [domain.code for domain in definition.domains] + [OVERALL]
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "assessment": ids,
                    "domain": domain,
                    "score": scored[f"{domain}.score"].to_numpy(dtype=float),
                    "stage": scored[f"{domain}.stage"].to_numpy(),
                }
            )
            for domain in domains
        ],
        ignore_index=True,
    )
    long = long.merge(assessments, on="assessment", how="left")
    return _Scores(long=long, stage_codes=stage_codes)


def benchmark_run_execute(*, run_id: int, attempt: str) -> BenchmarkRun | None:
    """Compute and store a run; None if it is already finished. Safe to call again.

    Raises ``JobTakenError`` while another live attempt holds the run.
    """
    run = job_claim(model=BenchmarkRun, job_id=run_id, attempt=attempt)
    if run is None:
        return None
    cycle = Cycle.objects.select_related("framework").get(pk=run.cycle_id)
    job_progress(job=run, progress=10, message=f"Scoring {cycle.name} assessments")
    current = _cycle_scores(cycle)
    long = current.long
    if run.previous_cycle_id is not None:
        job_progress(job=run, progress=35, message="Scoring last year's assessments")
        previous_cycle = Cycle.objects.select_related("framework").get(pk=run.previous_cycle_id)
        previous = _cycle_scores(previous_cycle)
        long = long.merge(
            previous.long[["organisation", "domain", "score", "stage"]].rename(
                columns={"score": "previous_score", "stage": "previous_stage"}
            ),
            on=["organisation", "domain"],
            how="left",
        )
        # Stages are compared by their place in each year's framework, not by their codes.
        long["stage_movement"] = _stage_ordinals(long["stage"], current) - _stage_ordinals(
            long["previous_stage"], previous
        )
    else:
        long["previous_score"] = np.nan
        long["stage_movement"] = np.nan
    job_progress(job=run, progress=60, message="Comparing each trust with its peers")
    statistics = peer_statistics(long, stage_codes=current.stage_codes, min_peers=run.min_peers)
    positions = peer_positions(long, statistics, min_peers=run.min_peers)
    job_progress(job=run, progress=80, message="Saving the results")
    with transaction.atomic():
        # A run's rows are only ever written here, with "done": none exist yet.
        run = job_lock_own(job=run)
        bulk_insert(PeerGroupStatistic, _statistic_rows(run, statistics, current.stage_codes))
        bulk_insert_frame(TrustBenchmark, _trust_frame(run, long, positions))
        BenchmarkRun.objects.filter(pk=run.pk).update(
            assessment_count=int(long["assessment"].nunique())
        )
        job_done(job=run, message=f"Compared {long['assessment'].nunique()} trusts")
    return BenchmarkRun.objects.get(pk=run.pk)


def _group_names() -> dict[str, dict[str, str]]:
    return {
        GroupType.NATIONAL: {"ENG": "England"},
        GroupType.TRUST_TYPE: dict(TrustType.choices),
        GroupType.REGION: dict(Region.objects.values_list("code", "name")),
        GroupType.ICB: dict(IntegratedCareBoard.objects.values_list("code", "name")),
    }


def _number(value) -> float | None:
    return None if pd.isna(value) else float(value)


def _statistic_rows(run: BenchmarkRun, statistics: pd.DataFrame, stage_codes) -> list[dict]:
    names = _group_names()
    rows = []
    for record in statistics.to_dict("records"):
        suppressed = bool(record["suppressed"])
        rows.append(
            {
                "run_id": run.pk,
                "group_type": record["group_type"],
                "group_code": record["group_code"],
                "group_name": names[record["group_type"]].get(
                    record["group_code"], record["group_code"]
                ),
                "domain_code": record["domain"],
                "n": int(record["n"]),
                "suppressed": suppressed,
                "mean": _number(record["mean"]),
                "p10": _number(record["p10"]),
                "lower_quartile": _number(record["lower_quartile"]),
                "median": _number(record["median"]),
                "upper_quartile": _number(record["upper_quartile"]),
                "p90": _number(record["p90"]),
                "stage_counts": None
                if suppressed
                else {code: int(record[f"stage:{code}"]) for code in stage_codes},
            }
        )
    return rows


def _stage_ordinals(stages: pd.Series, scores: _Scores) -> pd.Series:
    """1 for the framework's lowest stage upwards; NaN where there is no stage."""
    return stages.map({code: place for place, code in enumerate(scores.stage_codes, start=1)})


def _trust_frame(run: BenchmarkRun, long: pd.DataFrame, positions: pd.DataFrame) -> pd.DataFrame:
    """The run's trust rows as a frame with the model's field names, built without a loop."""
    tenths = (long["score"] * 10).round()
    previous = (long["previous_score"] * 10).round()
    frame = pd.DataFrame(
        {
            "run_id": run.pk,
            "assessment_id": long["assessment"].astype("int64"),
            "domain_code": long["domain"],
            "score": tenths / 10,
            "stage_code": long["stage"].fillna(""),
            "previous_score": previous / 10,
            "change": (tenths - previous) / 10,
            "stage_movement": long["stage_movement"].astype("Int64"),
        }
    )
    for group_type in GROUP_TYPES:
        frame[f"{group_type}_percentile"] = positions[f"{group_type}:percentile"].to_numpy()
        frame[f"{group_type}_quartile"] = positions[f"{group_type}:quartile"].astype("Int64")
    return frame


def benchmark_run_retry(*, run: BenchmarkRun, user) -> BenchmarkRun:
    """A failed run queued again by a person who may start runs."""
    if not policy.can_run_benchmarks(user):
        raise PermissionDenied("Only NHS England analysts and framework admins start runs.")
    with transaction.atomic():
        run = job_retry(job=run, task=_task(), refusal="Only a failed run can be started again.")
        _audit(run, user=user, trigger=JobTrigger.ON_DEMAND, new=f"run {run.pk} again")
    return run


def benchmark_runs_refresh(*, trigger: str) -> list[BenchmarkRun]:
    """Every cycle with signed-off assessments benchmarked on its current data (nightly)."""
    cycles = Cycle.objects.filter(assessments__status=AssessmentStatus.SIGNED_OFF).distinct()
    return [
        benchmark_run_request(cycle=cycle, user=None, trigger=trigger)
        for cycle in cycles.select_related("framework")
    ]


def benchmark_after_sign_off(*, cycle_id: int, signed_off_at: str) -> BenchmarkRun | None:
    """Debounced: only the task of the cycle's latest sign-off starts a run, for all of them."""
    later = Assessment.objects.filter(
        cycle_id=cycle_id, status=AssessmentStatus.SIGNED_OFF, signed_off_at__gt=signed_off_at
    ).exists()
    if later:
        return None
    cycle = Cycle.objects.select_related("framework").get(pk=cycle_id)
    return benchmark_run_request(cycle=cycle, user=None, trigger=JobTrigger.SIGN_OFF)
