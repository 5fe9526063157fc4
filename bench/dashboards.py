"""Dashboard speed: a trust's dashboard, the national dashboard and an ICB's summary.

    .venv/bin/python bench/dashboards.py [--trusts 500] [--cycles 3] [--seconds 10] [--warmup 3]
                                         [--clients 20] [--keep-db]

Builds a scratch PostgreSQL database holding ``--trusts`` trusts in 7 regions and 42 ICBs, each
with an assessment, stored results and a place in a finished benchmark run in each of
``--cycles`` cycles (dropped at the end). Serves the portal with gunicorn (2 sync workers, DEBUG
off) and measures each dashboard with that many concurrent signed-in clients for a fixed time:
board members each reading their own trust's dashboard, analysts reading the national
dashboard, ICB viewers each reading their own ICB's summary. Prints p50, p95 and throughput with
the targets beside them (p95 ≤ 150 ms; throughput ≥ 10 % of a bare Django view's, measured in
the same run). Exits non-zero only if it could not run.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_load import (  # noqa: E402 - importable when run as a script, too
    BARE_PATH,
    BenchError,
    Check,
    LoadResult,
    call_in_django,
    django_env,
    get_each,
    gunicorn,
    interrupts_as_exceptions,
    machine_busy,
    manage,
    measure_scenarios,
    print_checks,
    print_table,
    say,
    scratch_database,
    signed_in_clients,
    target_checks,
)

P95_TARGET_MS = 150.0
THROUGHPUT_TARGET_PERCENT = 10.0
WORKERS = 2
REGIONS = 7
ICBS_PER_REGION = 6
PASSWORD = "bench-dashboards-2026"  # noqa: S105 - scratch users of a scratch database


def create_population(trusts: int, cycles: int, clients: int) -> dict[str, Any]:
    """The stored results, and ``clients`` users of each kind, each on a different trust/ICB."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from organisations.models import Membership, NationalRole
    from tests.dashboards.conftest import populate

    started = time.perf_counter()
    population = populate(
        trusts=trusts, cycles=cycles, regions=REGIONS, icbs_per_region=ICBS_PER_REGION
    )
    built = time.perf_counter() - started
    password = make_password(PASSWORD)  # hashed once: it is slow on purpose
    users = get_user_model().objects
    boards, analysts, viewers = [], [], []
    for number in range(clients):
        trust = population.trusts[number % len(population.trusts)]
        icb = population.icbs[number % len(population.icbs)]
        board = users.create(username=f"bench.board.{number:02d}", password=password)
        Membership.objects.create(user=board, organisation=trust, role="board_member")
        analyst = users.create(username=f"bench.analyst.{number:02d}", password=password)
        NationalRole.objects.create(user=analyst, role="analyst")
        viewer = users.create(username=f"bench.icb.{number:02d}", password=password)
        NationalRole.objects.create(user=viewer, role="icb_viewer", icb=icb)
        boards.append((board.username, trust.ods_code))
        analysts.append(analyst.username)
        viewers.append((viewer.username, icb.code))
    return {
        "seconds_to_build": built,
        "trusts": len(population.trusts),
        "icbs": len(population.icbs),
        "cycles": [cycle.name for cycle in population.cycles],
        "boards": boards,
        "analysts": analysts,
        "viewers": viewers,
    }


def measure(server, setup: dict[str, Any], *, seconds: float, warmup: float) -> list[LoadResult]:
    """Each kind of user signs in once; the bare view is measured with the analysts' clients."""
    say("signing in the clients")
    boards = signed_in_clients(server, [(name, PASSWORD) for name, _ in setup["boards"]])
    analysts = signed_in_clients(server, [(name, PASSWORD) for name in setup["analysts"]])
    viewers = signed_in_clients(server, [(name, PASSWORD) for name, _ in setup["viewers"]])
    trusts = [code for _, code in setup["boards"]]
    icbs = [code for _, code in setup["viewers"]]
    scenarios = [
        ("bare view", analysts, get_each(lambda _: BARE_PATH)),
        ("trust dashboard", boards, get_each(lambda i: f"/trusts/{trusts[i]}/dashboard/")),
        ("national dashboard", analysts, get_each(lambda _: "/dashboards/national/")),
        ("ICB summary", viewers, get_each(lambda i: f"/dashboards/icbs/{icbs[i]}/")),
    ]
    return measure_scenarios(scenarios, seconds=seconds, warmup=warmup)


def checks(results: list[LoadResult]) -> list[Check]:
    bare, *dashboards = results
    return target_checks(
        bare,
        dashboards,
        dashboards,
        p95_ms=P95_TARGET_MS,
        throughput_percent=THROUGHPUT_TARGET_PERCENT,
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trusts", type=int, default=500, help="trusts (default 500)")
    parser.add_argument("--cycles", type=int, default=3, help="cycles (default 3)")
    parser.add_argument("--seconds", type=float, default=10, help="measured time per page")
    parser.add_argument("--warmup", type=float, default=3, help="unrecorded time before each")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--keep-db", action="store_true", help="keep the scratch database")
    arguments = parser.parse_args()
    try:
        with (
            interrupts_as_exceptions(),
            scratch_database("maturity_bench_dashboards", keep=arguments.keep_db) as url,
        ):
            env = django_env(url)
            manage(env, "migrate", "--noinput")
            setup = call_in_django(
                env,
                "bench.dashboards",
                "create_population",
                trusts=arguments.trusts,
                cycles=arguments.cycles,
                clients=arguments.clients,
            )
            say(f"stored {setup['trusts']} trusts × {len(setup['cycles'])} cycles")
            with gunicorn(env, workers=WORKERS) as server:
                idle_busy = machine_busy()
                results = measure(server, setup, seconds=arguments.seconds, warmup=arguments.warmup)
    except BenchError as error:
        print(f"dashboards bench could not run: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dashboards bench interrupted; cleaned up", file=sys.stderr)
        return 130
    print(f"dashboards bench, {time.strftime('%Y-%m-%d %H:%M')}")
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}; the load "
        f"generator runs on it too; before measuring, other work kept {100 * idle_busy:.0f}% "
        "of its CPU busy"
    )
    print(f"server: gunicorn, {WORKERS} sync workers, DEBUG off, PostgreSQL")
    print(
        f"data: {setup['trusts']} trusts in {REGIONS} regions and {setup['icbs']} ICBs, cycles "
        f"{', '.join(setup['cycles'])}, each with stored results and a finished benchmark run"
    )
    print(
        f"clients: {arguments.clients} concurrent per page (board members of {arguments.clients} "
        f"trusts, analysts, ICB viewers of {arguments.clients} ICBs); "
        f"{arguments.warmup:g} s warm-up, {arguments.seconds:g} s measured"
    )
    print()
    print_table(results, baseline=results[0])
    print()
    print_checks(checks(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
