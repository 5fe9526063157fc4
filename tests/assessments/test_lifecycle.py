"""The lifecycle table is the one place that says what may happen to an assessment, and by whom.

For every status and every action, the policy allows exactly the roles the table names (and
nobody when the table has no such step), and the workflow services move the assessment to the
status the table gives.
"""

from __future__ import annotations

import pytest

from access import policy
from assessments.lifecycle import TRANSITIONS, Action, transition
from assessments.models import AssessmentStatus
from assessments.services.workflow import (
    assessment_reopen,
    assessment_return,
    assessment_sign_off,
    assessment_submit,
)
from tests.factories import answer_all

ROLE_OF_USER = {
    "lead_a": "digital_lead",
    "contributor_a": "contributor",
    "board_a": "board_member",
    "admin": "framework_admin",
}
CHECKS = {
    Action.ASSIGN: policy.can_assign_domains,
    Action.SUBMIT: policy.can_submit,
    Action.SIGN_OFF: policy.can_sign_off,
    Action.RETURN: policy.can_return,
    Action.REOPEN: policy.can_reopen,
}


def set_status(assessment, status):
    assessment.status = status
    assessment.submitted_at = assessment.created_at
    assessment.signed_off_at = assessment.created_at
    assessment.save()


@pytest.mark.parametrize("status", [s for s in AssessmentStatus.values if s != "not_started"])
@pytest.mark.parametrize("action", list(CHECKS))
def test_policy_allows_exactly_whom_the_table_names(world, status, action):
    set_status(world.assessment_a, status)
    step = transition(status, action)
    for username, role in ROLE_OF_USER.items():
        allowed = CHECKS[action](world.users[username], world.assessment_a)
        assert allowed == (step is not None and role in step.who), (status, action, username)
    for outsider in ("lead_b", "board_b", "analyst"):
        assert not CHECKS[action](world.users[outsider], world.assessment_a)


@pytest.mark.parametrize("status", [s for s in AssessmentStatus.values if s != "not_started"])
def test_editing_is_open_exactly_where_the_table_allows_it(world, status):
    set_status(world.assessment_a, status)
    domain = world.domain("D1")
    editable = transition(status, Action.EDIT) is not None
    assert policy.can_edit_domain(world.users["lead_a"], world.assessment_a, domain) == editable
    assert policy.can_edit_domain(world.users["contributor_a"], world.assessment_a, domain) == (
        editable
    )
    assert not policy.can_edit_domain(world.users["board_a"], world.assessment_a, domain)


def test_nothing_is_editable_once_the_cycle_has_closed(world):
    closed = world.last_a
    set_status(closed, AssessmentStatus.IN_PROGRESS)
    assert transition(closed.status, Action.EDIT).needs_open_cycle
    assert policy.editable_domain_ids(world.users["lead_a"], closed) == set()
    assert not policy.can_submit(world.users["lead_a"], closed)


def test_services_move_the_assessment_where_the_table_says(world):
    users = world.users
    assessment = world.assessment_a
    answer_all(assessment, users["lead_a"])
    path = [
        (lambda: assessment_submit(assessment=assessment, user=users["lead_a"]), Action.SUBMIT),
        (
            lambda: assessment_return(assessment=assessment, user=users["board_a"], comment="x"),
            Action.RETURN,
        ),
        (lambda: assessment_submit(assessment=assessment, user=users["lead_a"]), Action.SUBMIT),
        (
            lambda: assessment_sign_off(
                assessment=assessment, user=users["board_a"], name="B", role="Chair"
            ),
            Action.SIGN_OFF,
        ),
        (
            lambda: assessment_reopen(assessment=assessment, user=users["admin"], reason="why"),
            Action.REOPEN,
        ),
    ]
    for step, action in path:
        assessment.refresh_from_db()
        expected = transition(assessment.status, action).target
        step()
        assessment.refresh_from_db()
        assert assessment.status == expected


def test_every_step_of_the_table_is_reachable_from_the_start():
    reachable = {AssessmentStatus.NOT_STARTED}
    changed = True
    while changed:
        changed = False
        for step in TRANSITIONS:
            if step.source in reachable and step.target not in reachable:
                reachable.add(step.target)
                changed = True
    assert reachable == set(AssessmentStatus)
