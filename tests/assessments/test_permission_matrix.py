"""Every URL × every role × own and other trust × GET and POST → the expected status.

The assessment belongs to trust A. Roles of trust B are the "other trust" column: they must never
read or write it (404: not even its existence is confirmed). Analysts and framework admins read
only submitted or signed-off assessments. 302 for anonymous visitors is the sign-in redirect;
403 is a page the user may see but an action they may not take. The framework admin is *not* a
superuser: the Django admin's every page sends them to its sign-in.

POSTs carry valid data, so a write that is allowed really changes something; after every
refused write, nothing at all has changed: answers, evidence, assignments, invitations, status,
cycles, frameworks and the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    DomainAssignment,
    Evidence,
    Response,
)
from audit.models import AuditEvent
from frameworks.models import Domain, Framework, Question
from frameworks.schema import dump_framework
from frameworks.services import framework_copy_as_draft
from organisations.models import Invitation, Membership
from reports.models import (
    BenchmarkRun,
    FileKind,
    JobStatus,
    JobTrigger,
    ReportFile,
    TrustBenchmark,
)
from tests.factories import PASSWORD, small_framework_definition

from .conftest import ROLES, pdf_upload

ANONYMOUS = "anonymous"
ALL = (ANONYMOUS, *ROLES)
OTHER_TRUST = ("lead_b", "contributor_b", "board_b")
NOT_ADMIN = ALL  # nobody in the matrix is a superuser


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable
    expected: dict[str, int]
    status: str = AssessmentStatus.IN_PROGRESS
    data: Callable = field(default=lambda world: {})
    sign_in: str = "login"  # where anonymous visitors are sent


def statuses(default: int, **overrides: int) -> dict[str, int]:
    """Anonymous → sign-in; other trust → 404; the rest ``default`` unless overridden."""
    table = dict.fromkeys(ROLES, default)
    table.update(dict.fromkeys(OTHER_TRUST, 404))
    table[ANONYMOUS] = 302
    table.update(overrides)
    return table


def national_only(ok: int) -> dict[str, int]:
    """Pages of the framework admin's: 403 for everyone else signed in."""
    table = dict.fromkeys(ROLES, 403)
    table[ANONYMOUS] = 302
    table["admin"] = ok
    return table


def nhs_england(ok: int) -> dict[str, int]:
    """Pages of NHS England's (analysts and framework admins): 403 for trust roles."""
    table = national_only(ok)
    table["analyst"] = ok
    return table


def run_pk(world) -> int:
    return BenchmarkRun.objects.create(
        cycle=world.cycle, fingerprint="f" * 64, min_peers=5, trigger=JobTrigger.ON_DEMAND
    ).pk


def done_run(world) -> BenchmarkRun:
    """A finished run that compared trust A (one overall row is all the pages need)."""
    run = BenchmarkRun.objects.create(
        cycle=world.cycle,
        fingerprint="d" * 64,
        min_peers=5,
        trigger=JobTrigger.ON_DEMAND,
        status=JobStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
    )
    TrustBenchmark.objects.create(run=run, assessment=world.assessment_a, domain_code="overall")
    return run


def report_file_pk(world) -> int:
    document = ReportFile(
        kind=FileKind.WORKBOOK,
        run=done_run(world),
        organisation=world.trust_a,
        fingerprint="e" * 64,
        trigger=JobTrigger.ON_DEMAND,
        status=JobStatus.DONE,
        progress=100,
        finished_at=timezone.now(),
        filename="RA1-benchmark.xlsx",
        content_type="application/octet-stream",
    )
    document.file.save("matrix.xlsx", ContentFile(b"workbook"), save=False)
    document.save()
    return document.pk


def analysts_only(ok: int) -> dict[str, int]:
    table = national_only(403)
    table["analyst"] = ok
    return table


TRUST_A_AND_NHS = statuses(200, lead_b=403, contributor_b=403, board_b=403)


def a(world) -> int:
    return world.assessment_a.pk


def evidence_pk(world) -> int:
    question = Question.objects.get(framework=world.framework, code="D1-01")
    return Evidence.objects.create(
        assessment=world.assessment_a, question=question, kind="link", url="https://x.nhs.uk"
    ).pk


def answer(code: str, option: str = "3") -> Callable:
    return lambda world: {f"{code}-answer": option, f"{code}-version": "0", f"{code}-comment": ""}


def draft_pk(world) -> int:
    return framework_copy_as_draft(framework=world.framework, version="draft", user=None).pk


def dates(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def new_cycle(world) -> dict:
    return {
        "name": "2031/32",
        "framework": world.framework.pk,
        **dates("opens_on", dt.date(2031, 4, 1)),
        **dates("closes_on", dt.date(2032, 3, 31)),
    }


def framework_file(world) -> dict:
    text = dump_framework(small_framework_definition(version="upload"))
    return {"file": SimpleUploadedFile("f.yaml", text.encode(), content_type="application/yaml")}


TEAM_READS = statuses(200, analyst=404, admin=404)
LEAD_ONLY = statuses(403, lead_a=200, analyst=404, admin=404)
LEAD_WRITES = statuses(403, lead_a=302, analyst=404, admin=404)
EDITOR_WRITES = statuses(403, lead_a=302, contributor_a=302, analyst=404, admin=404)
SUBMITTED = AssessmentStatus.SUBMITTED
SIGNED_OFF = AssessmentStatus.SIGNED_OFF
CASES = [
    Case(
        "home",
        "GET",
        lambda w: reverse("home"),
        # An analyst, who acts for no trust, is sent on to the national dashboard.
        statuses(200, lead_b=200, contributor_b=200, board_b=200, analyst=302),
    ),
    Case(
        "assessment list",
        "GET",
        lambda w: reverse("assessment-list"),
        statuses(200, lead_b=200, contributor_b=200, board_b=200),
    ),
    Case("task list", "GET", lambda w: reverse("task-list", args=[a(w)]), TEAM_READS),
    Case(
        "task list (submitted)",
        "GET",
        lambda w: reverse("task-list", args=[a(w)]),
        statuses(200),
        status=SUBMITTED,
    ),
    Case("domain page", "GET", lambda w: reverse("domain", args=[a(w), "D1"]), TEAM_READS),
    Case(
        "save assigned domain",
        "POST",
        lambda w: reverse("question-save", args=[a(w), "D1-01"]),
        EDITOR_WRITES,
        data=answer("D1-01"),
    ),
    Case(
        "save unassigned domain",
        "POST",
        lambda w: reverse("question-save", args=[a(w), "D2-01"]),
        LEAD_WRITES,
        data=answer("D2-01"),
    ),
    Case(
        "save when submitted",
        "POST",
        lambda w: reverse("question-save", args=[a(w), "D1-01"]),
        statuses(403),
        status=SUBMITTED,
        data=answer("D1-01"),
    ),
    Case(
        "confirm a domain's carried-forward answers",
        "POST",
        lambda w: reverse("domain-confirm", args=[a(w), "D1"]),
        EDITOR_WRITES,
    ),
    Case(
        "confirm when signed off",
        "POST",
        lambda w: reverse("domain-confirm", args=[a(w), "D1"]),
        statuses(403),
        status=SIGNED_OFF,
    ),
    Case(
        "add evidence link",
        "POST",
        lambda w: reverse("evidence-link", args=[a(w), "D1-01"]),
        EDITOR_WRITES,
        data=lambda w: {"D1-01-link-url": "https://intranet.example.nhs.uk/strategy"},
    ),
    Case(
        "upload evidence",
        "POST",
        lambda w: reverse("evidence-file", args=[a(w), "D1-01"]),
        EDITOR_WRITES,
        data=lambda w: {"D1-01-file-file": pdf_upload()},
    ),
    Case(
        "download evidence",
        "GET",
        lambda w: reverse("evidence-download", args=[evidence_pk(w)]),
        statuses(302, analyst=404, admin=404),  # a link evidence redirects to its address
    ),
    Case(
        "remove evidence",
        "POST",
        lambda w: reverse("evidence-remove", args=[evidence_pk(w)]),
        EDITOR_WRITES,
    ),
    Case("assign page", "GET", lambda w: reverse("assign", args=[a(w)]), LEAD_ONLY),
    Case(
        "assign",
        "POST",
        lambda w: reverse("assign", args=[a(w)]),
        LEAD_WRITES,
        data=lambda w: {
            f"domain_{Domain.objects.get(framework=w.framework, code='D2').pk}": str(
                w.users["contributor_a"].pk
            )
        },
    ),
    Case("check answers", "GET", lambda w: reverse("check-answers", args=[a(w)]), TEAM_READS),
    Case("submit", "POST", lambda w: reverse("check-answers", args=[a(w)]), LEAD_ONLY),
    Case(
        "sign-off page",
        "GET",
        lambda w: reverse("sign-off", args=[a(w)]),
        statuses(403, board_a=200),
        status=SUBMITTED,
    ),
    Case(
        "sign off",
        "POST",
        lambda w: reverse("sign-off", args=[a(w)]),
        statuses(403, board_a=302),
        status=SUBMITTED,
        data=lambda w: {"decision": "sign_off", "name": "Bola Board", "role": "Chair"},
    ),
    Case(
        "return",
        "POST",
        lambda w: reverse("sign-off", args=[a(w)]),
        statuses(403, board_a=302),
        status=SUBMITTED,
        data=lambda w: {"decision": "return", "comment": "Check IA-01"},
    ),
    Case(
        "sign-off page before submission",
        "GET",
        lambda w: reverse("sign-off", args=[a(w)]),
        statuses(403, board_a=302, analyst=404, admin=404),  # told why, on the task list
    ),
    Case(
        "reopen page",
        "GET",
        lambda w: reverse("reopen", args=[a(w)]),
        statuses(403, admin=200),
        status=SIGNED_OFF,
    ),
    Case(
        "reopen",
        "POST",
        lambda w: reverse("reopen", args=[a(w)]),
        statuses(403, admin=302),
        status=SIGNED_OFF,
        data=lambda w: {"reason": "The board asked for a correction."},
    ),
    Case("audit trail", "GET", lambda w: reverse("audit", args=[a(w)]), LEAD_ONLY),
    Case("audit CSV", "GET", lambda w: reverse("audit-csv", args=[a(w)]), LEAD_ONLY),
    Case(
        "audit trail (submitted)",
        "GET",
        lambda w: reverse("audit", args=[a(w)]),
        statuses(403, lead_a=200, analyst=200, admin=200),
        status=SUBMITTED,
    ),
    Case(
        "invite page",
        "GET",
        lambda w: reverse("invite", args=[w.trust_a.ods_code]),
        statuses(403, lead_a=200),
    ),
    Case(
        "invite",
        "POST",
        lambda w: reverse("invite", args=[w.trust_a.ods_code]),
        statuses(403, lead_a=302),
        data=lambda w: {"email": "new.colleague@nhs.net", "role": "contributor"},
    ),
    Case(
        "start page",
        "GET",
        lambda w: reverse("start", args=[w.trust_a.ods_code, w.cycle.pk]),
        statuses(403, lead_a=200),
    ),
    Case("cycles", "GET", lambda w: reverse("cycle-list"), national_only(200)),
    Case(
        "create cycle", "POST", lambda w: reverse("cycle-list"), national_only(302), data=new_cycle
    ),
    Case(
        "extend cycle page",
        "GET",
        lambda w: reverse("cycle-extend", args=[w.cycle.pk]),
        national_only(200),
    ),
    Case(
        "extend cycle",
        "POST",
        lambda w: reverse("cycle-extend", args=[w.cycle.pk]),
        national_only(302),
        data=lambda w: dates("closes_on", w.cycle.closes_on + dt.timedelta(days=30)),
    ),
    Case("frameworks", "GET", lambda w: reverse("framework-list"), national_only(200)),
    Case(
        "load framework",
        "POST",
        lambda w: reverse("framework-list"),
        national_only(302),
        data=framework_file,
    ),
    Case(
        "publish framework",
        "POST",
        lambda w: reverse("framework-publish", args=[draft_pk(w)]),
        national_only(302),
    ),
    Case(
        "retire framework",
        "POST",
        lambda w: reverse("framework-retire", args=[w.framework.pk]),
        national_only(302),
    ),
    Case(
        "copy framework",
        "POST",
        lambda w: reverse("framework-copy", args=[w.framework.pk]),
        national_only(302),
        data=lambda w: {"version": "copy"},
    ),
    Case(
        "download framework",
        "GET",
        lambda w: reverse("framework-download", args=[w.framework.pk]),
        national_only(200),
    ),
    Case("benchmark runs", "GET", lambda w: reverse("benchmark-list"), nhs_england(200)),
    Case(
        "start benchmark run",
        "POST",
        lambda w: reverse("benchmark-list"),
        nhs_england(302),
        status=SIGNED_OFF,
        data=lambda w: {"cycle": w.cycle.pk},
    ),
    Case(
        "benchmark run",
        "GET",
        lambda w: reverse("benchmark-run", args=[run_pk(w)]),
        nhs_england(200),
    ),
    Case(
        "benchmark progress",
        "GET",
        lambda w: reverse("benchmark-progress", args=[run_pk(w)]),
        nhs_england(200),
    ),
    Case(
        "retry benchmark run",
        "POST",
        lambda w: reverse("benchmark-retry", args=[run_pk(w)]),
        nhs_england(302),
    ),
    Case(
        "trust benchmark report",
        "GET",
        lambda w: reverse("trust-benchmark", args=[w.trust_a.ods_code]),
        TRUST_A_AND_NHS,
    ),
    Case(
        "make a trust document",
        "POST",
        lambda w: reverse("report-file-start", args=[w.trust_a.ods_code]),
        statuses(302, lead_b=403, contributor_b=403, board_b=403),
        data=lambda w: {"run": done_run(w).pk, "kind": FileKind.WORKBOOK},
    ),
    Case(
        "trust document",
        "GET",
        lambda w: reverse("report-file", args=[report_file_pk(w)]),
        TRUST_A_AND_NHS,
    ),
    Case(
        "trust document progress",
        "GET",
        lambda w: reverse("report-file-progress", args=[report_file_pk(w)]),
        TRUST_A_AND_NHS,
    ),
    Case(
        "download a trust document",
        "GET",
        lambda w: reverse("report-file-download", args=[report_file_pk(w)]),
        TRUST_A_AND_NHS,
    ),
    Case(
        "trust dashboard",
        "GET",
        lambda w: reverse("trust-dashboard", args=[w.trust_a.ods_code]),
        TRUST_A_AND_NHS,
    ),
    Case("national dashboard", "GET", lambda w: reverse("national-dashboard"), analysts_only(200)),
    Case(
        "ICB summary",
        "GET",
        lambda w: reverse("icb-summary", args=[w.trust_a.icb.code]),
        analysts_only(200),
    ),
    Case("national downloads", "GET", lambda w: reverse("national-downloads"), analysts_only(200)),
    Case(
        "download national answers (CSV)",
        "POST",
        lambda w: reverse("national-downloads"),
        analysts_only(200),
        status=SUBMITTED,
        data=lambda w: {"dataset": "answers", "format": "csv"},
    ),
    Case(
        "make a national download (Parquet)",
        "POST",
        lambda w: reverse("national-downloads"),
        analysts_only(302),
        status=SUBMITTED,
        data=lambda w: {"dataset": "results", "format": "parquet"},
    ),
    Case(
        "make a trust document again",
        "POST",
        lambda w: reverse("report-file-retry", args=[report_file_pk(w)]),
        statuses(302, lead_b=403, contributor_b=403, board_b=403),
    ),
]


def everything() -> dict[str, list]:
    """Every row a refused write could have touched, with the fields that matter."""
    return {
        "responses": list(
            Response.objects.order_by("pk").values_list(
                "pk", "version", "option_id", "number_value", "text_value", "comment"
            )
        ),
        "evidence": list(Evidence.objects.order_by("pk").values_list("pk", "url", "file")),
        "assignments": list(
            DomainAssignment.objects.order_by("pk").values_list("pk", "domain_id", "assignee_id")
        ),
        "invitations": list(Invitation.objects.order_by("pk").values_list("pk", "email")),
        "memberships": list(Membership.objects.order_by("pk").values_list("pk", "role")),
        "assessments": list(
            Assessment.objects.order_by("pk").values_list(
                "pk", "status", "signed_off_name", "return_comment", "reopen_reason"
            )
        ),
        "cycles": list(Cycle.objects.order_by("pk").values_list("pk", "name", "closes_on")),
        "frameworks": list(Framework.objects.order_by("pk").values_list("pk", "status")),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", "action")),
        "benchmark runs": list(
            BenchmarkRun.objects.order_by("pk").values_list("pk", "status", "fingerprint")
        ),
        "report files": list(
            ReportFile.objects.order_by("pk").values_list("pk", "status", "fingerprint")
        ),
    }


@pytest.mark.parametrize("role", ALL)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_permission_matrix(world, case: Case, role: str):
    if case.status != AssessmentStatus.IN_PROGRESS:
        world.assessment_a.status = case.status
        world.assessment_a.submitted_at = world.assessment_a.created_at
        world.assessment_a.signed_off_at = world.assessment_a.created_at
        world.assessment_a.save()
    client = Client()
    if role != ANONYMOUS:
        assert client.login(username=role, password=PASSWORD)
    url = case.url(world)
    data = case.data(world)
    before = everything()
    response = client.get(url) if case.method == "GET" else client.post(url, data)
    assert response.status_code == case.expected[role], f"{case.name} as {role}"
    if (case.method == "POST" and response.status_code != 302) or role == ANONYMOUS:
        assert everything() == before, f"{case.name} as {role} changed something"
    if role == ANONYMOUS:
        assert response["Location"].startswith(reverse(case.sign_in))


def admin_urls() -> list[tuple[str, str]]:
    """The Django admin's index and every registered model's list, add and change pages."""
    urls = [("admin index", reverse("admin:index"))]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(
            (f"{meta.label} list", reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        )
        urls.append((f"{meta.label} add", reverse(f"admin:{meta.app_label}_{meta.model_name}_add")))
        urls.append(
            (
                f"{meta.label} change",
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[1]),
            )
        )
    return urls


@pytest.mark.parametrize("role", ALL)
def test_nobody_but_a_superuser_reaches_the_django_admin(world, role):
    client = Client()
    if role != ANONYMOUS:
        assert client.login(username=role, password=PASSWORD)
    before = everything()
    for name, url in admin_urls():
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, f"{name} as {role}"
            assert response["Location"].startswith(reverse("admin:login")), f"{name} as {role}"
    assert everything() == before


def test_a_superuser_reaches_every_admin_page(world, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.nhs.uk", "pw")
    client = Client()
    client.force_login(superuser)
    for name, url in admin_urls():
        status = client.get(url).status_code
        if name.endswith("list") or name == "admin index":
            assert status == 200, name
        else:  # read-only models refuse add; a missing row's change page goes to the list
            assert status in {200, 302, 403}, name


@pytest.mark.parametrize("role", OTHER_TRUST)
def test_other_trust_cannot_see_assessment_anywhere(world, role):
    """Nothing of trust A appears on trust B's pages either."""
    client = Client()
    client.login(username=role, password=PASSWORD)
    for page in (reverse("home"), reverse("assessment-list")):
        html = client.get(page).content.decode()
        assert world.trust_a.name not in html
        assert reverse("task-list", args=[a(world)]) not in html
