"""Benchmark runs and national downloads at national scale, measured in one run.

    .venv/bin/python bench/benchmarks.py [--organisations 10000] [--answers 1000000] [--keep-db]

Builds a scratch PostgreSQL database with the shipped framework and ``--organisations``
synthetic trusts, each with a signed-off assessment of this cycle; last cycle's signed-off
assessments for as many of them as it takes to reach ``--answers`` answers in all (so last
year's scores are compared too). Then prints, with the targets beside them:

- the end-to-end benchmark run of this cycle, from asking for it to its rows stored (≤ 10 s);
- one SQL statement computing the national median of each domain's score from the same
  answers, and the run's time as a multiple of it (≤ 3×);
- the peak memory of a process writing the every-answer download as CSV and as Parquet
  (≤ 150 MB each), with the memory of the same process before it started for reference.

Each measurement runs in a fresh ``manage.py shell`` process. Exits non-zero only if it could
not run.
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


RUN_TARGET_S = 10.0
SQL_MULTIPLE_TARGET = 3.0
MEMORY_TARGET_MB = 150.0
THIS_CYCLE, LAST_CYCLE = "2026/27", "2025/26"
SEED = 11
FRAMEWORK_FILE = ROOT / "frameworks" / "definitions" / "nhs-digital-maturity-2026.yaml"


# --- setup, run inside Django (manage.py shell) --------------------------------------------------


def build(organisations: int, answers: int) -> dict[str, Any]:
    """Synthetic trusts, cycles and signed-off answers, written with COPY."""
    import datetime as dt

    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from assessments.models import Assessment, AssessmentStatus, Cycle, Response
    from frameworks.models import AnswerOption, Framework, Question
    from organisations.models import IntegratedCareBoard, Organisation, TrustType
    from reports.services.bulk import bulk_insert

    framework = Framework.objects.get()
    questions = list(
        Question.objects.filter(framework=framework).order_by("domain__order", "order")
    )
    options: dict[int, list] = {}
    for option in AnswerOption.objects.filter(question__framework=framework).order_by("order"):
        options.setdefault(option.question_id, []).append(option)
    # Each ICB in the region its real trusts are in.
    region_of = dict(Organisation.objects.values_list("icb_id", "region_id"))
    icbs = list(IntegratedCareBoard.objects.filter(pk__in=region_of).order_by("code"))
    types = list(TrustType.values)
    rng = np.random.default_rng(SEED)
    now = timezone.now()
    with transaction.atomic():
        Organisation.objects.bulk_create(
            Organisation(
                ods_code=f"Z{number:05d}",
                name=f"Synthetic NHS Trust {number}",
                trust_type=types[number % len(types)],
                type_basis="bench",
                region_id=region_of[icbs[number % len(icbs)].pk],
                icb=icbs[number % len(icbs)],
            )
            for number in range(organisations)
        )
        trusts = list(Organisation.objects.filter(ods_code__startswith="Z").order_by("ods_code"))
        cycles = {
            THIS_CYCLE: Cycle.objects.create(
                name=THIS_CYCLE,
                framework=framework,
                opens_on=dt.date(2026, 4, 1),
                closes_on=dt.date(2027, 3, 31),
            ),
            LAST_CYCLE: Cycle.objects.create(
                name=LAST_CYCLE,
                framework=framework,
                opens_on=dt.date(2025, 4, 1),
                closes_on=dt.date(2026, 3, 31),
            ),
        }
        # Last year's trusts make up the answers still wanted, a whole assessment at a time.
        missing = max(0, answers - organisations * len(questions))
        last_year = min(organisations, -(-missing // len(questions)))
        written = 0
        for name, count in ((THIS_CYCLE, organisations), (LAST_CYCLE, last_year)):
            cycle = cycles[name]
            bulk_insert(
                Assessment,
                [
                    {
                        "organisation_id": trust.pk,
                        "cycle_id": cycle.pk,
                        "status": AssessmentStatus.SIGNED_OFF,
                        "region_id": trust.region_id,
                        "icb_id": trust.icb_id,
                        "trust_type": trust.trust_type,
                        "is_demo": False,
                        "created_at": now,
                        "submitted_at": now,
                        "signed_off_at": now,
                        "signed_off_name": "Synthetic Chair",
                        "signed_off_role": "Chair",
                        "return_comment": "",
                        "reopen_reason": "",
                    }
                    for trust in trusts[:count]
                ],
            )
            ids = list(
                Assessment.objects.filter(cycle=cycle).order_by("pk").values_list("pk", flat=True)
            )
            written += _answers(ids, questions, options, rng, now, bulk_insert, Response)
    return {
        "organisations": organisations,
        "questions": len(questions),
        "answers": written,
        "last_year": last_year,
    }


def _answers(ids, questions, options, rng, now, bulk_insert, response_model) -> int:
    """Every question answered, around a level of maturity drawn for each assessment."""
    import numpy as np

    levels = rng.beta(2.2, 2.2, size=len(ids))
    rows, ticks = [], []
    for question in questions:
        targets = np.clip(levels + rng.normal(0, 0.2, size=len(ids)), 0, 1)
        choices = options.get(question.pk, [])
        for assessment_id, target in zip(ids, targets, strict=True):
            row = {
                "assessment_id": assessment_id,
                "question_id": question.pk,
                "option_id": None,
                "number_value": None,
                "text_value": "",
                "is_not_applicable": False,
                "comment": "",
                "carried_forward": False,
                "version": 1,
                "updated_at": now,
            }
            match question.type:
                case "multiple_choice":
                    chosen = choices[: max(1, round(target * len(choices)))]
                    ticks.append((assessment_id, question.pk, chosen))
                case "barriers":
                    ticks.append((assessment_id, question.pk, choices[:2]))
                case "percentage":
                    row["number_value"] = f"{target * 100:.2f}"
                case "free_text":
                    row["text_value"] = "Funding and capacity"
                case kind:
                    nearest = choices[min(int(target * len(choices)), len(choices) - 1)]
                    if kind == "number":
                        row["number_value"] = str(nearest.band_min or 0)
                    else:
                        row["option_id"] = nearest.pk
            rows.append(row)
    bulk_insert(response_model, rows)
    if ticks:
        by_key = {
            (assessment, question): pk
            for pk, assessment, question in response_model.objects.filter(
                question__type__in=("multiple_choice", "barriers"), assessment_id__in=ids
            ).values_list("pk", "assessment_id", "question_id")
        }
        through = response_model.selected_options.through
        bulk_insert(
            through,
            [
                {"response_id": by_key[(assessment, question)], "answeroption_id": option.pk}
                for assessment, question, chosen in ticks
                for option in chosen
            ],
        )
    return len(rows)


def analyse() -> dict[str, Any]:
    """Fresh planner statistics after the bulk load, as autovacuum would give in time."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {}


def time_run() -> dict[str, Any]:
    """Ask for this cycle's run and run it in-process, as a worker would: request to done."""
    from assessments.models import Cycle
    from reports.models import BenchmarkRun, PeerGroupStatistic, TrustBenchmark
    from reports.services.benchmarks import benchmark_run_execute, benchmark_run_request

    cycle = Cycle.objects.select_related("framework").get(name=THIS_CYCLE)
    started = time.perf_counter()
    run = benchmark_run_request(cycle=cycle, user=None, trigger="on_demand")
    benchmark_run_execute(run_id=run.pk, attempt="bench")
    seconds = time.perf_counter() - started
    run = BenchmarkRun.objects.get(pk=run.pk)
    return {
        "seconds": seconds,
        "status": run.status,
        "trusts": run.assessment_count,
        "statistics": PeerGroupStatistic.objects.filter(run=run).count(),
        "positions": TrustBenchmark.objects.filter(run=run).count(),
    }


MEDIANS_SQL = """
WITH tops AS (
    SELECT question_id,
           MAX(score) FILTER (WHERE band_min IS NULL) AS top_option,
           SUM(score) AS all_options,
           MAX(score) AS top_band
    FROM frameworks_answeroption GROUP BY question_id
), ticked AS (
    SELECT s.response_id, SUM(o.score) AS points
    FROM assessments_response_selected_options s
    JOIN frameworks_answeroption o ON o.id = s.answeroption_id
    GROUP BY s.response_id
), bands AS (
    SELECT r.id AS response_id,
           (SELECT o.score FROM frameworks_answeroption o
             WHERE o.question_id = r.question_id AND o.band_min <= r.number_value
             ORDER BY o.band_min DESC LIMIT 1) AS points
    FROM assessments_response r JOIN frameworks_question q ON q.id = r.question_id
    WHERE q.type = 'number' AND r.number_value IS NOT NULL
), answer_values AS (
    SELECT r.assessment_id, q.domain_id, q.weight,
           CASE q.type
             WHEN 'multiple_choice' THEN LEAST(t.points::numeric / NULLIF(tops.all_options, 0), 1)
             WHEN 'percentage' THEN LEAST(GREATEST(r.number_value / 100, 0), 1)
             WHEN 'number' THEN b.points::numeric / NULLIF(tops.top_band, 0)
             WHEN 'free_text' THEN NULL
             WHEN 'barriers' THEN NULL
             ELSE o.score::numeric / NULLIF(tops.top_option, 0)
           END AS value
    FROM assessments_response r
    JOIN assessments_assessment a ON a.id = r.assessment_id
    JOIN assessments_cycle c ON c.id = a.cycle_id
    JOIN frameworks_question q ON q.id = r.question_id
    LEFT JOIN tops ON tops.question_id = q.id
    LEFT JOIN frameworks_answeroption o ON o.id = r.option_id
    LEFT JOIN ticked t ON t.response_id = r.id
    LEFT JOIN bands b ON b.response_id = r.id
    WHERE c.name = %s AND a.status = 'signed_off' AND NOT r.is_not_applicable
), domain_scores AS (
    SELECT assessment_id, domain_id,
           ROUND(100 * SUM(weight * value) / SUM(weight), 1) AS score
    FROM answer_values WHERE value IS NOT NULL
    GROUP BY assessment_id, domain_id
)
SELECT d.code, percentile_cont(0.5) WITHIN GROUP (ORDER BY s.score)
FROM domain_scores s JOIN frameworks_domain d ON d.id = s.domain_id
GROUP BY d.code ORDER BY d.code
"""


def time_sql_medians() -> dict[str, Any]:
    """The same answers of the same cycle, scored and summarised by PostgreSQL in one query."""
    from django.db import connection

    from reports.models import PeerGroupStatistic

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(MEDIANS_SQL, [THIS_CYCLE])
        medians = dict(cursor.fetchall())
    seconds = time.perf_counter() - started
    ours = dict(
        PeerGroupStatistic.objects.filter(
            run__cycle__name=THIS_CYCLE, group_type="national"
        ).values_list("domain_code", "median")
    )
    differences = [abs(float(medians[code]) - ours[code]) for code in medians]
    return {"seconds": seconds, "domains": len(medians), "largest_difference": max(differences)}


def export_memory(file_format: str) -> dict[str, Any]:
    """Peak memory of this process writing every answer: ``csv`` streamed, ``parquet`` by job."""
    import resource

    from django.contrib.auth import get_user_model

    from organisations.models import NationalRole
    from reports.exports import Filters
    from reports.models import FileKind
    from reports.services import national

    user, _ = get_user_model().objects.get_or_create(username="bench.analyst")
    NationalRole.objects.get_or_create(user=user, role="analyst")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    if file_format == "csv":
        size = rows = 0
        with open("/dev/null", "wb") as sink:
            for chunk in national.national_csv(dataset="answers", filters=Filters(), user=user):
                sink.write(chunk)
                size += len(chunk)
                rows += chunk.count(b"\n")
        rows -= 1  # the header
    else:
        document = national.national_file_request(
            dataset="answers", kind=FileKind.NATIONAL_PARQUET, filters=Filters(), user=user
        )
        # Without a broker the request has built it already, in this process.
        national.national_file_build(file_id=document.pk, attempt="bench")
        document.refresh_from_db()
        import pyarrow.parquet as pq

        rows = pq.ParquetFile(document.file.path).metadata.num_rows
        size = document.size
    return {
        "seconds": time.perf_counter() - started,
        "rows": rows,
        "megabytes": size / 1e6,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "before_mb": before,
    }


# --- the run -------------------------------------------------------------------------------------


def main() -> int:
    # The harness is imported here, not at the top: the processes that measure a download's
    # memory import this module, and should hold only what the download needs.
    from bench.http_load import (
        BenchError,
        Check,
        call_in_django,
        django_env,
        interrupts_as_exceptions,
        manage,
        print_checks,
        say,
        scratch_database,
    )

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--keep-db", action="store_true")
    arguments = parser.parse_args()
    try:
        with (
            interrupts_as_exceptions(),
            tempfile.TemporaryDirectory(prefix="maturity-bench-media-") as media,
            scratch_database("maturity_bench_benchmarks", keep=arguments.keep_db) as url,
        ):
            env = django_env(url, MEDIA_ROOT=media)
            for command in (("migrate", "--noinput"), ("load_organisations",)):
                manage(env, *command)
            manage(env, "load_framework", str(FRAMEWORK_FILE), "--publish")
            started = time.perf_counter()
            data = call_in_django(
                env,
                "bench.benchmarks",
                "build",
                organisations=arguments.organisations,
                answers=arguments.answers,
            )
            say(f"built {data['answers']:,} answers in {time.perf_counter() - started:.0f} s")
            call_in_django(env, "bench.benchmarks", "analyse")
            run = call_in_django(env, "bench.benchmarks", "time_run")
            say(f"benchmark run: {run['seconds']:.2f} s")
            sql = call_in_django(env, "bench.benchmarks", "time_sql_medians")
            say(f"SQL medians: {sql['seconds']:.2f} s")
            exports = {
                file_format: call_in_django(
                    env, "bench.benchmarks", "export_memory", file_format=file_format
                )
                for file_format in ("csv", "parquet")
            }
    except BenchError as error:
        print(f"benchmarks bench could not run: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("benchmarks bench interrupted; cleaned up", file=sys.stderr)
        return 130
    print(f"benchmarks bench, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, PostgreSQL")
    print(
        f"data: {data['organisations']:,} signed-off trusts in {THIS_CYCLE} and "
        f"{data['last_year']:,} in {LAST_CYCLE}, {data['questions']} questions each, "
        f"{data['answers']:,} answers in all"
    )
    print()
    print(
        f"benchmark run of {THIS_CYCLE}: {run['seconds']:.2f} s ({run['status']}; "
        f"{run['trusts']:,} trusts, {run['statistics']:,} peer statistics, "
        f"{run['positions']:,} trust positions stored)"
    )
    print(
        f"one SQL statement, national domain medians from the same answers: "
        f"{sql['seconds']:.2f} s ({sql['domains']} domains; largest difference from the run's "
        f"medians {sql['largest_difference']:.2f}: the run's arithmetic is exact, PostgreSQL's "
        "division of a third is not, so a score exactly half way can round down there)"
    )
    for file_format, figures in exports.items():
        print(
            f"every-answer download as {file_format}: {figures['rows']:,} rows, "
            f"{figures['megabytes']:.0f} MB in {figures['seconds']:.1f} s; peak memory "
            f"{figures['peak_mb']:.0f} MB (the process held {figures['before_mb']:.0f} MB before)"
        )
    print()
    multiple = run["seconds"] / sql["seconds"] if sql["seconds"] else float("inf")
    print_checks(
        [
            Check(
                "benchmark run ≤ 10 s", f"{run['seconds']:.2f} s", run["seconds"] <= RUN_TARGET_S
            ),
            Check("run ≤ 3× the SQL medians", f"{multiple:.1f}×", multiple <= SQL_MULTIPLE_TARGET),
            *(
                Check(
                    f"{file_format} download peak ≤ 150 MB",
                    f"{figures['peak_mb']:.0f} MB",
                    figures["peak_mb"] <= MEMORY_TARGET_MB,
                )
                for file_format, figures in exports.items()
            ),
            *(
                Check(
                    f"{file_format} download ≥ 1,000,000 rows",
                    f"{figures['rows']:,}",
                    figures["rows"] >= 1_000_000,
                )
                for file_format, figures in exports.items()
            ),
        ]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
