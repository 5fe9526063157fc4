"""Every URL of the journey × every role × own and other trust × GET and POST → expected status.

The assessment belongs to trust A. Roles of trust B are the "other trust" column: they must never
read or write it (404: not even its existence is confirmed). Analysts and framework admins read
only submitted or signed-off assessments. 302 for anonymous visitors is the sign-in redirect;
403 is a page the user may see but an action they may not take.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import AssessmentStatus, Evidence, Response
from frameworks.models import Question
from tests.factories import PASSWORD

from .conftest import ROLES

ANONYMOUS = "anonymous"
ALL = (ANONYMOUS, *ROLES)
OTHER_TRUST = ("lead_b", "contributor_b", "board_b")


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable
    expected: dict[str, int]
    status: str = AssessmentStatus.IN_PROGRESS
    data: dict | None = None


def statuses(default: int, **overrides: int) -> dict[str, int]:
    """Anonymous → sign-in; other trust → 404; the rest ``default`` unless overridden."""
    table = dict.fromkeys(ROLES, default)
    table.update(dict.fromkeys(OTHER_TRUST, 404))
    table[ANONYMOUS] = 302
    table.update(overrides)
    return table


def a(world) -> int:
    return world.assessment_a.pk


def evidence_pk(world) -> int:
    question = Question.objects.get(framework=world.framework, code="D1-01")
    return Evidence.objects.create(
        assessment=world.assessment_a, question=question, kind="link", url="https://x.nhs.uk"
    ).pk


TEAM_READS = statuses(200, analyst=404, admin=404)
LEAD_ONLY = statuses(403, lead_a=200, analyst=404, admin=404)
EDITORS = statuses(403, lead_a=200, contributor_a=200, analyst=404, admin=404)
CASES = [
    Case("task list", "GET", lambda w: reverse("task-list", args=[a(w)]), TEAM_READS),
    Case(
        "task list (submitted)",
        "GET",
        lambda w: reverse("task-list", args=[a(w)]),
        statuses(200),
        status=AssessmentStatus.SUBMITTED,
    ),
    Case("domain page", "GET", lambda w: reverse("domain", args=[a(w), "D1"]), TEAM_READS),
    Case(
        "save assigned domain",
        "POST",
        lambda w: reverse("question-save", args=[a(w), "D1-01"]),
        EDITORS,
    ),
    Case(
        "save unassigned domain",
        "POST",
        lambda w: reverse("question-save", args=[a(w), "D2-01"]),
        LEAD_ONLY,
    ),
    Case(
        "save when submitted",
        "POST",
        lambda w: reverse("question-save", args=[a(w), "D1-01"]),
        statuses(403),
        status=AssessmentStatus.SUBMITTED,
    ),
    Case(
        "add evidence link",
        "POST",
        lambda w: reverse("evidence-link", args=[a(w), "D1-01"]),
        EDITORS,
    ),
    Case(
        "upload evidence",
        "POST",
        lambda w: reverse("evidence-file", args=[a(w), "D1-01"]),
        EDITORS,
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
        statuses(403, lead_a=302, contributor_a=302, analyst=404, admin=404),
    ),
    Case("assign page", "GET", lambda w: reverse("assign", args=[a(w)]), LEAD_ONLY),
    Case(
        "assign",
        "POST",
        lambda w: reverse("assign", args=[a(w)]),
        statuses(403, lead_a=302, analyst=404, admin=404),
    ),
    Case("check answers", "GET", lambda w: reverse("check-answers", args=[a(w)]), TEAM_READS),
    Case("submit", "POST", lambda w: reverse("check-answers", args=[a(w)]), LEAD_ONLY),
    Case(
        "sign-off page",
        "GET",
        lambda w: reverse("sign-off", args=[a(w)]),
        statuses(403, board_a=200),
        status=AssessmentStatus.SUBMITTED,
    ),
    Case(
        "sign off",
        "POST",
        lambda w: reverse("sign-off", args=[a(w)]),
        statuses(403, board_a=200),
        status=AssessmentStatus.SUBMITTED,
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
        status=AssessmentStatus.SIGNED_OFF,
    ),
    Case(
        "reopen",
        "POST",
        lambda w: reverse("reopen", args=[a(w)]),
        statuses(403, admin=200),
        status=AssessmentStatus.SIGNED_OFF,
    ),
    Case("audit trail", "GET", lambda w: reverse("audit", args=[a(w)]), LEAD_ONLY),
    Case("audit CSV", "GET", lambda w: reverse("audit-csv", args=[a(w)]), LEAD_ONLY),
    Case(
        "audit trail (submitted)",
        "GET",
        lambda w: reverse("audit", args=[a(w)]),
        statuses(403, lead_a=200, analyst=200, admin=200),
        status=AssessmentStatus.SUBMITTED,
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
        statuses(403, lead_a=200),
    ),
    Case(
        "start page",
        "GET",
        lambda w: reverse("start", args=[w.trust_a.ods_code, w.cycle.pk]),
        statuses(403, lead_a=200),
    ),
]


@pytest.mark.parametrize("role", ALL)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_permission_matrix(world, case: Case, role: str):
    if case.status != AssessmentStatus.IN_PROGRESS:
        world.assessment_a.status = case.status
        world.assessment_a.submitted_at = world.assessment_a.created_at
        world.assessment_a.signed_off_at = world.assessment_a.created_at
        world.assessment_a.save()
    before = list(Response.objects.values_list("pk", "version"))
    client = Client()
    if role != ANONYMOUS:
        assert client.login(username=role, password=PASSWORD)
    url = case.url(world)
    response = client.get(url) if case.method == "GET" else client.post(url, case.data or {})
    assert response.status_code == case.expected[role], f"{case.name} as {role}"
    if response.status_code in {403, 404} or role == ANONYMOUS:
        assert list(Response.objects.values_list("pk", "version")) == before
    if role == ANONYMOUS:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", OTHER_TRUST)
def test_other_trust_cannot_see_assessment_anywhere(world, role):
    """Nothing of trust A appears on trust B's pages either."""
    client = Client()
    client.login(username=role, password=PASSWORD)
    page = client.get(reverse("home")).content.decode()
    assert world.trust_a.name not in page
    assert reverse("task-list", args=[a(world)]) not in page
