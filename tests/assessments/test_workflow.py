"""Every status change and its refusals: wrong role, wrong status, cycle closed, other trust."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from assessments.models import Assessment, AssessmentStatus, DomainAssignment, Evidence, Response
from assessments.services.answers import AnswerInput, AnswerInvalidError, response_save
from assessments.services.evidence import evidence_add_file
from assessments.services.workflow import (
    SubmissionBlockedError,
    WorkflowError,
    assessment_reopen,
    assessment_return,
    assessment_sign_off,
    assessment_start,
    assessment_submit,
    cycle_extend,
    domain_assign,
)
from audit.models import AuditAction, AuditEvent
from frameworks.models import Question
from organisations.models import Membership
from organisations.services.invitations import (
    InvitationError,
    invitation_accept,
    invitation_create,
)
from tests.factories import answer_all

from .conftest import pdf_upload


def save(world, code, answer, user="lead_a", assessment=None, version=None):
    assessment = assessment or world.assessment_a
    question = Question.objects.get(framework=world.framework, code=code)
    current = Response.objects.filter(assessment=assessment, question=question).first()
    return response_save(
        assessment=assessment,
        question=question,
        answer=answer,
        comment="",
        based_on_version=(current.version if current else 0) if version is None else version,
        user=world.users[user],
    )


def answer_everything(world, assessment=None):
    answer_all(assessment or world.assessment_a, world.users["lead_a"])


def submitted(world):
    answer_everything(world)
    return assessment_submit(assessment=world.assessment_a, user=world.users["lead_a"])


# --- start -------------------------------------------------------------------------------------


def test_lead_starts_with_copy_forward_and_every_answer_needs_confirming(world):
    save_last = Response.objects.create(
        assessment=world.last_a,
        question=Question.objects.get(framework=world.framework, code="D1-01"),
        option=Question.objects.get(framework=world.framework, code="D1-01").options.get(order=3),
    )
    Evidence.objects.create(
        assessment=world.last_a, question=save_last.question, kind="link", url="https://x.nhs.uk"
    )
    world.assessment_a.delete()
    started = assessment_start(
        organisation=world.trust_a,
        cycle=world.cycle,
        user=world.users["lead_a"],
        copy_forward=True,
    )
    copied = Response.objects.get(assessment=started, question__code="D1-01")
    assert started.status == AssessmentStatus.IN_PROGRESS
    assert (started.region, started.icb, started.trust_type) == (
        world.trust_a.region,
        world.trust_a.icb,
        world.trust_a.trust_type,
    )
    assert copied.carried_forward and copied.option.order == 3
    assert Evidence.objects.get(assessment=started).carried_forward
    assert started.copied_from == world.last_a
    event = AuditEvent.objects.get(assessment=started, action=AuditAction.STARTED)
    assert "copied 1 answer(s) forward from 2025/26" in event.reason


def test_start_without_copy_forward_has_no_answers(world):
    world.assessment_a.delete()
    started = assessment_start(
        organisation=world.trust_a,
        cycle=world.cycle,
        user=world.users["lead_a"],
        copy_forward=False,
    )
    assert not started.responses.exists()


@pytest.mark.parametrize("role", ["contributor_a", "board_a", "lead_b", "analyst", "admin"])
def test_only_the_trusts_lead_can_start(world, role):
    world.assessment_a.delete()
    with pytest.raises(PermissionDenied):
        assessment_start(
            organisation=world.trust_a,
            cycle=world.cycle,
            user=world.users[role],
            copy_forward=False,
        )
    assert not Assessment.objects.filter(organisation=world.trust_a, cycle=world.cycle).exists()


def test_cannot_start_in_a_closed_cycle(world):
    world.last_a.delete()
    with pytest.raises(PermissionDenied):
        assessment_start(
            organisation=world.trust_a,
            cycle=world.last_cycle,
            user=world.users["lead_a"],
            copy_forward=False,
        )


def test_cannot_start_twice(world):
    with pytest.raises(WorkflowError, match="already started 2026/27"):
        assessment_start(
            organisation=world.trust_a,
            cycle=world.cycle,
            user=world.users["lead_a"],
            copy_forward=False,
        )


# --- answering -----------------------------------------------------------------------------------


def test_contributor_answers_assigned_domain_only(world):
    save(world, "D1-01", AnswerInput(option=2), user="contributor_a")
    with pytest.raises(PermissionDenied):
        save(world, "D2-01", AnswerInput(option=2), user="contributor_a")


@pytest.mark.parametrize("role", ["board_a", "lead_b", "contributor_b", "analyst", "admin"])
def test_others_cannot_answer(world, role):
    with pytest.raises(PermissionDenied):
        save(world, "D1-01", AnswerInput(option=2), user=role)
    assert not Response.objects.filter(assessment=world.assessment_a).exists()


def test_answers_cannot_change_when_cycle_has_closed(world):
    world.cycle.closes_on = dt.date.today() - dt.timedelta(days=1)
    world.cycle.opens_on = dt.date.today() - dt.timedelta(days=100)
    world.cycle.save()
    with pytest.raises(PermissionDenied):
        save(world, "D1-01", AnswerInput(option=2))


def test_framework_admin_extends_cycle_and_editing_resumes(world):
    world.cycle.opens_on = dt.date.today() - dt.timedelta(days=100)
    world.cycle.closes_on = dt.date.today() - dt.timedelta(days=1)
    world.cycle.save()
    cycle_extend(
        cycle=world.cycle,
        closes_on=dt.date.today() + dt.timedelta(days=7),
        user=world.users["admin"],
    )
    world.assessment_a.refresh_from_db()
    assert save(world, "D1-01", AnswerInput(option=2)).version == 1


def test_only_framework_admin_extends_and_only_later(world):
    with pytest.raises(PermissionDenied):
        cycle_extend(cycle=world.cycle, closes_on=dt.date(2099, 1, 1), user=world.users["lead_a"])
    with pytest.raises(WorkflowError, match="must be after"):
        cycle_extend(cycle=world.cycle, closes_on=world.cycle.opens_on, user=world.users["admin"])


def test_saving_rescores_the_assessment(world):
    save(world, "D1-01", AnswerInput(option=3))
    result = world.assessment_a.result
    assert result.domains.get(domain__code="D1").answered == 1


# --- assignment ----------------------------------------------------------------------------------


def test_lead_assigns_and_unassigns_with_audit(world):
    domain = world.domain("D2")
    domain_assign(
        assessment=world.assessment_a,
        domain=domain,
        assignee=world.users["contributor_a"],
        user=world.users["lead_a"],
    )
    assert DomainAssignment.objects.filter(assessment=world.assessment_a, domain=domain).exists()
    domain_assign(
        assessment=world.assessment_a, domain=domain, assignee=None, user=world.users["lead_a"]
    )
    assert not DomainAssignment.objects.filter(
        assessment=world.assessment_a, domain=domain
    ).exists()
    assert AuditEvent.objects.filter(action=AuditAction.ASSIGNED, subject="D2").count() == 2


def test_cannot_assign_to_board_member_or_other_trust(world):
    for person in ("board_a", "contributor_b"):
        with pytest.raises(WorkflowError, match="contributors of this trust"):
            domain_assign(
                assessment=world.assessment_a,
                domain=world.domain("D2"),
                assignee=world.users[person],
                user=world.users["lead_a"],
            )


def test_contributor_cannot_assign(world):
    with pytest.raises(PermissionDenied):
        domain_assign(
            assessment=world.assessment_a,
            domain=world.domain("D2"),
            assignee=world.users["contributor_a"],
            user=world.users["contributor_a"],
        )


# --- submit --------------------------------------------------------------------------------------


def test_submit_lists_unanswered_mandatory_questions(world):
    save(world, "D1-01", AnswerInput(option=2))
    with pytest.raises(SubmissionBlockedError) as blocked:
        assessment_submit(assessment=world.assessment_a, user=world.users["lead_a"])
    codes = [question.code for question, _ in blocked.value.problems]
    assert "D1-01" not in codes and "D1-02" in codes and "D1-TX" not in codes
    world.assessment_a.refresh_from_db()
    assert world.assessment_a.status == AssessmentStatus.IN_PROGRESS


def test_submit_refuses_unconfirmed_carried_forward_answers(world):
    answer_everything(world)
    Response.objects.filter(assessment=world.assessment_a, question__code="D2-01").update(
        carried_forward=True
    )
    with pytest.raises(SubmissionBlockedError) as blocked:
        assessment_submit(assessment=world.assessment_a, user=world.users["lead_a"])
    assert [(q.code, problem) for q, problem in blocked.value.problems] == [
        ("D2-01", "Confirm or change last year's answer")
    ]


def test_complete_assessment_submits_and_locks_editing(world):
    done = submitted(world)
    assert done.status == AssessmentStatus.SUBMITTED and done.submitted_at is not None
    with pytest.raises(PermissionDenied):
        save(world, "D1-01", AnswerInput(option=0), assessment=done)


@pytest.mark.parametrize("role", ["contributor_a", "board_a", "lead_b", "analyst"])
def test_only_the_lead_submits(world, role):
    answer_everything(world)
    with pytest.raises(PermissionDenied):
        assessment_submit(assessment=world.assessment_a, user=world.users[role])


def test_cannot_submit_twice(world):
    done = submitted(world)
    with pytest.raises(PermissionDenied):
        assessment_submit(assessment=done, user=world.users["lead_a"])


# --- sign off, return, reopen ---------------------------------------------------------------------


def test_board_member_signs_off_with_name_role_and_time(world):
    done = submitted(world)
    signed = assessment_sign_off(
        assessment=done, user=world.users["board_a"], name="Pat Chair", role="Chair"
    )
    assert signed.status == AssessmentStatus.SIGNED_OFF
    assert (signed.signed_off_name, signed.signed_off_role) == ("Pat Chair", "Chair")
    assert signed.signed_off_at is not None and signed.signed_off_by == world.users["board_a"]
    with pytest.raises(PermissionDenied):
        save(world, "D1-01", AnswerInput(option=0), assessment=signed)


@pytest.mark.parametrize("role", ["lead_a", "contributor_a", "board_b", "analyst", "admin"])
def test_only_the_trusts_board_signs_off(world, role):
    done = submitted(world)
    with pytest.raises(PermissionDenied):
        assessment_sign_off(assessment=done, user=world.users[role], name="X", role="Y")


def test_sign_off_needs_a_submission(world):
    with pytest.raises(PermissionDenied):
        assessment_sign_off(
            assessment=world.assessment_a, user=world.users["board_a"], name="X", role="Y"
        )


def test_sign_off_needs_name_and_role(world):
    done = submitted(world)
    with pytest.raises(WorkflowError, match="name and board role"):
        assessment_sign_off(assessment=done, user=world.users["board_a"], name=" ", role="Chair")


def test_return_resubmit_and_sign_off(world):
    done = submitted(world)
    returned = assessment_return(
        assessment=done, user=world.users["board_a"], comment="Add evidence for D1-01."
    )
    assert returned.status == AssessmentStatus.RETURNED
    assert returned.return_comment == "Add evidence for D1-01."
    save(world, "D1-01", AnswerInput(option=3), assessment=returned)
    returned.refresh_from_db()
    assert returned.status == AssessmentStatus.IN_PROGRESS
    resubmitted = assessment_submit(assessment=returned, user=world.users["lead_a"])
    assert resubmitted.status == AssessmentStatus.SUBMITTED and resubmitted.return_comment == ""
    assessment_sign_off(
        assessment=resubmitted, user=world.users["board_a"], name="Pat Chair", role="Chair"
    )
    statuses = list(
        AuditEvent.objects.filter(
            assessment=world.assessment_a, action=AuditAction.STATUS_CHANGED
        ).values_list("new_value", flat=True)
    )
    assert statuses == ["Submitted", "Returned", "In progress", "Submitted", "Signed off"]


def test_return_needs_a_comment(world):
    done = submitted(world)
    with pytest.raises(WorkflowError, match="Enter a comment"):
        assessment_return(assessment=done, user=world.users["board_a"], comment="")


def test_framework_admin_reopens_signed_off_assessment_with_reason(world):
    reopened = assessment_reopen(
        assessment=world.last_a, user=world.users["admin"], reason="Wrong trust type used."
    )
    assert reopened.status == AssessmentStatus.IN_PROGRESS
    event = AuditEvent.objects.get(assessment=world.last_a, action=AuditAction.STATUS_CHANGED)
    assert (event.old_value, event.new_value, event.reason) == (
        "Signed off",
        "In progress",
        "Wrong trust type used.",
    )


@pytest.mark.parametrize("role", ["lead_a", "board_a", "analyst"])
def test_only_framework_admin_reopens(world, role):
    with pytest.raises(PermissionDenied):
        assessment_reopen(assessment=world.last_a, user=world.users[role], reason="Because")


def test_reopen_needs_signed_off_status_and_a_reason(world):
    with pytest.raises(PermissionDenied):
        assessment_reopen(assessment=world.assessment_a, user=world.users["admin"], reason="x")
    with pytest.raises(WorkflowError, match="reason"):
        assessment_reopen(assessment=world.last_a, user=world.users["admin"], reason="  ")


# --- evidence and invitations ---------------------------------------------------------------


def test_evidence_file_is_stored_under_a_generated_name(world):
    evidence = evidence_add_file(
        assessment=world.assessment_a,
        question=Question.objects.get(framework=world.framework, code="D1-01"),
        upload=pdf_upload("board minutes.pdf"),
        user=world.users["lead_a"],
    )
    assert evidence.original_name == "board minutes.pdf"
    assert "board minutes" not in evidence.file.name
    assert evidence.file.name.startswith(f"evidence/{world.assessment_a.pk}/")
    assert evidence.content_type == "application/pdf"


def test_invitation_email_link_creates_account_and_membership_once(world):
    links = []
    invitation_create(
        organisation=world.trust_a,
        email="New.Person@nhs.net",
        role="contributor",
        user=world.users["lead_a"],
        accept_url_for=lambda token: links.append(token) or token,
    )
    [email] = mail.outbox
    assert email.to == ["new.person@nhs.net"] and links[0] in email.body
    user = invitation_accept(token=links[0], password="a-long-pass-2026", full_name="New Person")
    assert Membership.objects.get(user=user, organisation=world.trust_a).role == "contributor"
    assert user.check_password("a-long-pass-2026")
    with pytest.raises(InvitationError, match="already been used"):
        invitation_accept(token=links[0], password="another-pass-2026", full_name="X")


def test_only_lead_invites_and_not_existing_members(world):
    with pytest.raises(PermissionDenied):
        invitation_create(
            organisation=world.trust_a,
            email="x@nhs.net",
            role="contributor",
            user=world.users["board_a"],
            accept_url_for=str,
        )
    with pytest.raises(InvitationError, match="already a member"):
        invitation_create(
            organisation=world.trust_a,
            email=world.users["board_a"].email,
            role="contributor",
            user=world.users["lead_a"],
            accept_url_for=str,
        )


def test_expired_or_unknown_invitation_is_refused(world):
    links = []
    invitation = invitation_create(
        organisation=world.trust_a,
        email="late@nhs.net",
        role="contributor",
        user=world.users["lead_a"],
        accept_url_for=lambda token: links.append(token) or token,
    )
    invitation.expires_at = invitation.created_at - dt.timedelta(days=1)
    invitation.save()
    with pytest.raises(InvitationError, match="expired"):
        invitation_accept(token=links[0], password="a-long-pass-2026", full_name="Late")
    with pytest.raises(InvitationError, match="not valid"):
        invitation_accept(token="made-up", password="a-long-pass-2026", full_name="Nobody")


def test_a_save_prepared_before_submission_cannot_land_after_it(world):
    stale_copy = Assessment.objects.get(pk=world.assessment_a.pk)
    submitted(world)
    question = Question.objects.get(framework=world.framework, code="D1-01")
    before = Response.objects.get(assessment=world.assessment_a, question=question)
    stale_copy.status = AssessmentStatus.RETURNED  # as the page saw it before the resubmission
    with pytest.raises(PermissionDenied):
        response_save(
            assessment=stale_copy,
            question=question,
            answer=AnswerInput(option=4),
            comment="",
            based_on_version=before.version,
            user=world.users["lead_a"],
        )
    world.assessment_a.refresh_from_db()
    assert world.assessment_a.status == AssessmentStatus.SUBMITTED
    assert Response.objects.get(pk=before.pk).version == before.version


@pytest.mark.parametrize(
    ("code", "answer", "message"),
    [
        ("D1-01", AnswerInput(option=9), "Select one of the answers shown for D1-01"),
        ("D1-PC", AnswerInput(number=Decimal(140)), "between 0 and 100 for D1-PC"),
        ("D1-NU", AnswerInput(number=Decimal(-1)), "0 or more for D1-NU"),
        ("D1-MC", AnswerInput(selected=frozenset({1, 3})), "'None of these' on its own"),
        ("D1-01", AnswerInput(not_applicable=True), "cannot be answered 'Not applicable'"),
    ],
    ids=["option", "percentage", "number", "exclusive", "not applicable"],
)
def test_answer_rules_hold_without_any_form(world, code, answer, message):
    with pytest.raises(AnswerInvalidError, match=message):
        save(world, code, answer)
    assert not Response.objects.filter(assessment=world.assessment_a).exists()
