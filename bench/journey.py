"""Assessment journey speed: the pages a digital lead works through, and the answer save.

    .venv/bin/python bench/journey.py [--seconds 10] [--warmup 3] [--clients 20] [--keep-db]

Builds a scratch PostgreSQL database with the demo data (dropped at the end), makes one digital
lead per trust for as many trusts as there are clients, each with the trust's 2026/27 assessment
in progress, serves the portal with gunicorn (2 sync workers, DEBUG off) and measures each page
with that many concurrent signed-in clients for a fixed time. Each client works on its own trust,
so concurrent saves never contend for one answer. Prints the figures with the targets beside
them (every journey page and the answer save p95 ≤ 150 ms; every read ≥ 10 % of a bare Django
view's throughput measured in the same run). Exits non-zero only if it could not run.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_load import (  # noqa: E402 - importable when run as a script, too
    BARE_PATH,
    BenchError,
    Check,
    Client,
    Form,
    LoadResult,
    Sample,
    Scenario,
    call_in_django,
    django_env,
    forms_in,
    get_each,
    gunicorn,
    interrupts_as_exceptions,
    load_demo_data,
    machine_busy,
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
OTHER_WORK_WARNING = 0.10  # share of the machine busy before the run worth a warning


# --- setup, run inside Django (manage.py shell) --------------------------------------------------


def create_editors(count: int) -> dict[str, Any]:
    """``count`` bench users, each the digital lead of a different trust with 2026/27 in progress.

    Trusts whose assessment is not started come first and are started by their new lead through
    the workflow service, carrying last year forward, as the demo lead would; then trusts whose
    seeded assessment is in progress. Submitted and signed-off assessments cannot be edited.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count

    from assessments.models import Assessment, AssessmentStatus, Cycle, Response
    from assessments.services.demo import DEMO_CYCLES, DEMO_PASSWORD
    from assessments.services.workflow import assessment_start
    from audit.models import AuditEvent
    from frameworks.models import Domain, QuestionType
    from organisations.models import Membership, MembershipRole, Organisation

    cycle = Cycle.objects.select_related("framework").get(name=DEMO_CYCLES[-1].name)
    status_of = dict(
        Assessment.objects.filter(cycle=cycle).values_list("organisation_id", "status")
    )
    editable = [
        trust
        for trust in Organisation.objects.filter(active=True).order_by("ods_code")
        if status_of.get(trust.pk, AssessmentStatus.NOT_STARTED)
        in {AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS}
    ]
    editable.sort(key=lambda trust: trust.pk in status_of)  # not started first
    if len(editable) < count:
        raise RuntimeError(f"only {len(editable)} trusts can edit {cycle.name}; asked {count}")
    password = make_password(DEMO_PASSWORD)  # hashed once: it is slow on purpose
    editors = []
    for number, trust in enumerate(editable[:count], start=1):
        user = get_user_model().objects.create(
            username=f"bench.lead.{number:02d}",
            first_name="Bench",
            last_name=f"Lead {number}",
            password=password,
        )
        Membership.objects.create(user=user, organisation=trust, role=MembershipRole.DIGITAL_LEAD)
        assessment = Assessment.objects.filter(organisation=trust, cycle=cycle).first()
        started = assessment is None
        if started:
            assessment = assessment_start(
                organisation=trust, cycle=cycle, user=user, copy_forward=True
            )
        editors.append(
            {
                "username": user.username,
                "trust": trust.ods_code,
                "assessment": assessment.pk,
                "started_by_bench": started,
            }
        )
    domain = (
        Domain.objects.filter(framework=cycle.framework)
        .annotate(question_count=Count("questions"))
        .order_by("-question_count", "order")
        .first()
    )
    question = domain.questions.filter(type=QuestionType.SCALE).order_by("order").first()
    if question is None:
        raise RuntimeError(f"domain {domain.code} has no scale question to save")
    assessment_ids = [editor["assessment"] for editor in editors]
    answers = Response.objects.filter(assessment_id__in=assessment_ids).count()
    audit_events = AuditEvent.objects.filter(assessment_id__in=assessment_ids).count()
    return {
        "password": DEMO_PASSWORD,
        "cycle": cycle.name,
        "editors": editors,
        "domain": domain.code,
        "domain_questions": domain.question_count,
        "question": question.code,
        "answers_per_assessment": answers / len(editors),
        "audit_events_per_assessment": audit_events / len(editors),
        "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    }


# --- the answer save -----------------------------------------------------------------------------


@dataclass
class _Question:
    """One client's copy of the question's form, kept current from each response."""

    path: str
    form: Form


class AnswerSave:
    """Saves one scale question per client as htmx does, alternating between two answers.

    Every save is based on the version the previous response returned, so each is a real
    change that should succeed; anything else (a version conflict, a 4xx or 5xx, a response
    that does not show the new answer) counts as an error.
    """

    def __init__(self, domain_paths: list[str], question: str) -> None:
        self.domain_paths = domain_paths
        self.question = question
        self.answer = f"{question}-answer"
        self.version = f"{question}-version"
        self.current: list[_Question | None] = [None] * len(domain_paths)

    def prepare(self, client: Client, index: int) -> _Question | Sample:
        """Read the question's form off the domain page, as a person opening it would.

        Without the form there is nothing to save: that is the failed sample returned.
        """
        page = client.get(self.domain_paths[index])
        found = self._question_form(page.body) if page.status == 200 else None
        self.current[index] = found
        if found is None:
            return Sample.of(page, ok=False, problem=f"no form for {self.question} on its page")
        return found

    def _question_form(self, html: str) -> _Question | None:
        for form in forms_in(html):
            path = form.action.split("#", 1)[0]
            if path.endswith(f"/questions/{self.question}/") and self.version in form.fields:
                return _Question(path=path, form=form)
        return None

    def __call__(self, client: Client, index: int) -> Sample:
        current = self.current[index] or self.prepare(client, index)
        if isinstance(current, Sample):
            return current
        first, second = [value for value in current.form.choices[self.answer] if value != "na"][:2]
        answer = second if current.form.fields.get(self.answer) == first else first
        sent_version = int(current.form.fields[self.version])
        response = client.post(
            current.path,
            {**current.form.fields, self.answer: answer},
            headers={
                "HX-Request": "true",
                "HX-Target": f"question-{self.question}",
                "HX-Current-URL": self.domain_paths[index],
            },
        )
        returned = self._question_form(response.body) if response.status == 200 else None
        self.current[index] = returned  # None: read the page again before the next save
        if response.status != 200:
            return Sample.of(response)
        if "Someone else changed this answer" in response.body:
            return Sample.of(response, ok=False, problem="version conflict")
        saved = (
            returned is not None
            and "has been saved" in response.body
            and int(returned.form.fields[self.version]) > sent_version
            and returned.form.fields.get(self.answer) == answer
        )
        return Sample.of(response, ok=saved, problem="" if saved else "answer not saved")


# --- the run -------------------------------------------------------------------------------------


def scenarios(setup: dict[str, Any]) -> list[tuple[str, Scenario]]:
    """The bare view first (the baseline), then the journey's reads, then the save."""
    pks = [editor["assessment"] for editor in setup["editors"]]
    domain = setup["domain"]
    reads: list[tuple[str, Scenario]] = [
        ("bare view", get_each(lambda _: BARE_PATH)),
        ("home", get_each(lambda _: "/")),
        ("task list", get_each(lambda i: f"/assessments/{pks[i]}/")),
        (f"domain page ({domain})", get_each(lambda i: f"/assessments/{pks[i]}/domains/{domain}/")),
        ("check your answers", get_each(lambda i: f"/assessments/{pks[i]}/check/")),
        ("audit trail", get_each(lambda i: f"/assessments/{pks[i]}/audit/")),
    ]
    save = AnswerSave([f"/assessments/{pk}/domains/{domain}/" for pk in pks], setup["question"])
    return [*reads, (f"answer save ({setup['question']})", save)]


def measure(
    clients: list[Client], setup: dict[str, Any], *, seconds: float, warmup: float
) -> list[LoadResult]:
    return measure_scenarios(
        [(name, clients, scenario) for name, scenario in scenarios(setup)],
        seconds=seconds,
        warmup=warmup,
    )


def checks(results: list[LoadResult]) -> list[Check]:
    """Each journey page and the save against the latency target; each read against the bare."""
    bare, *journey = results
    *reads, _save = journey
    return target_checks(
        bare,
        journey,
        reads,
        p95_ms=P95_TARGET_MS,
        throughput_percent=THROUGHPUT_TARGET_PERCENT,
    )


def print_setup(setup: dict[str, Any], arguments: argparse.Namespace, idle_busy: float) -> None:
    editors = setup["editors"]
    started = sum(editor["started_by_bench"] for editor in editors)
    print(f"assessment journey bench, {time.strftime('%Y-%m-%d %H:%M')}")
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}; the load "
        "generator runs on it too; before measuring, with the bench idle, other work kept "
        f"{100 * idle_busy:.0f}% of its CPU busy"
    )
    if idle_busy > OTHER_WORK_WARNING:
        print(
            "  (other processes compete with the server for the CPU: every figure below is "
            "pessimistic; run again on a quiet machine for figures to compare)"
        )
    print(
        f"server: gunicorn, {WORKERS} sync workers, DEBUG off, PostgreSQL, "
        f"CONN_MAX_AGE={setup['conn_max_age']} (project default), tasks in-process"
    )
    print(
        f"clients: {len(editors)} concurrent, each a digital lead of its own trust's "
        f"{setup['cycle']} assessment ({started} started by the bench with copy forward, "
        f"{len(editors) - started} in progress from the demo data)"
    )
    print(
        f"data: {setup['answers_per_assessment']:.0f} answers and "
        f"{setup['audit_events_per_assessment']:.1f} audit events per assessment before the run; "
        f"domain {setup['domain']} ({setup['domain_questions']} questions), "
        f"saves to {setup['question']}"
    )
    print(
        f"each scenario: {arguments.warmup:g} s warm-up, then {arguments.seconds:g} s measured; "
        "latency from sending to the last byte, queueing for a worker included; "
        "percentiles over successful requests"
    )
    print()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seconds", type=float, default=10, help="measured time per scenario (default 10)"
    )
    parser.add_argument(
        "--warmup", type=float, default=3, help="unrecorded time before each (default 3)"
    )
    parser.add_argument(
        "--clients", type=int, default=20, help="concurrent clients, one trust each (default 20)"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the scratch database afterwards"
    )
    arguments = parser.parse_args()
    try:
        with (
            interrupts_as_exceptions(),
            scratch_database("maturity_bench_journey", keep=arguments.keep_db) as database_url,
        ):
            env = django_env(database_url)
            load_demo_data(env)
            setup = call_in_django(env, "bench.journey", "create_editors", count=arguments.clients)
            say(f"created {len(setup['editors'])} bench users")
            with gunicorn(env, workers=WORKERS) as server:
                users = [(editor["username"], setup["password"]) for editor in setup["editors"]]
                clients = signed_in_clients(server, users)
                say(f"signed in {len(clients)} clients")
                idle_busy = machine_busy()
                results = measure(
                    clients, setup, seconds=arguments.seconds, warmup=arguments.warmup
                )
    except BenchError as error:
        print(f"journey bench could not run: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("journey bench interrupted; cleaned up", file=sys.stderr)
        return 130
    print_setup(setup, arguments, idle_busy)
    print_table(results, baseline=results[0])
    print()
    print_checks(checks(results))
    bare_p95 = results[0].percentile_ms(95)
    if bare_p95 is not None:
        print(
            f"for reference, not a target: the bare view's p95 under the same load, "
            f"{bare_p95:.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
