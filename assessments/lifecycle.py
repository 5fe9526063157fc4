"""The assessment's life in one table: from which status, by which action, to which status, by whom.

The access policy asks this table whether an action is possible at all and who may take it; the
workflow services ask it where the action leads. Nothing else compares statuses to decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from assessments.models import AssessmentStatus


class Action(StrEnum):
    START = "start"
    EDIT = "edit"  # answers, comments, confirmations and evidence
    ASSIGN = "assign"
    SUBMIT = "submit"
    SIGN_OFF = "sign_off"
    RETURN = "return"
    REOPEN = "reopen"


class Actor(StrEnum):
    """Who may take an action; a contributor only in the domains assigned to them."""

    DIGITAL_LEAD = "digital_lead"
    CONTRIBUTOR = "contributor"
    BOARD_MEMBER = "board_member"
    FRAMEWORK_ADMIN = "framework_admin"


@dataclass(frozen=True)
class Transition:
    source: AssessmentStatus
    action: Action
    target: AssessmentStatus
    who: frozenset[Actor]
    needs_open_cycle: bool


def _step(source, action, target, who, *, needs_open_cycle: bool) -> Transition:
    return Transition(source, action, target, frozenset(who), needs_open_cycle)


Status = AssessmentStatus
EDITORS = {Actor.DIGITAL_LEAD, Actor.CONTRIBUTOR}
LEAD = {Actor.DIGITAL_LEAD}
BOARD = {Actor.BOARD_MEMBER}

TRANSITIONS: tuple[Transition, ...] = (
    _step(Status.NOT_STARTED, Action.START, Status.IN_PROGRESS, LEAD, needs_open_cycle=True),
    _step(Status.IN_PROGRESS, Action.EDIT, Status.IN_PROGRESS, EDITORS, needs_open_cycle=True),
    _step(Status.RETURNED, Action.EDIT, Status.IN_PROGRESS, EDITORS, needs_open_cycle=True),
    _step(Status.IN_PROGRESS, Action.ASSIGN, Status.IN_PROGRESS, LEAD, needs_open_cycle=True),
    _step(Status.RETURNED, Action.ASSIGN, Status.RETURNED, LEAD, needs_open_cycle=True),
    _step(Status.IN_PROGRESS, Action.SUBMIT, Status.SUBMITTED, LEAD, needs_open_cycle=True),
    _step(Status.RETURNED, Action.SUBMIT, Status.SUBMITTED, LEAD, needs_open_cycle=True),
    _step(Status.SUBMITTED, Action.SIGN_OFF, Status.SIGNED_OFF, BOARD, needs_open_cycle=False),
    _step(Status.SUBMITTED, Action.RETURN, Status.RETURNED, BOARD, needs_open_cycle=False),
    _step(
        Status.SIGNED_OFF,
        Action.REOPEN,
        Status.IN_PROGRESS,
        {Actor.FRAMEWORK_ADMIN},
        needs_open_cycle=False,
    ),
)
_BY_SOURCE_AND_ACTION = {(step.source, step.action): step for step in TRANSITIONS}

# Once the lead has submitted, NHS England may read the assessment.
SHARED_WITH_NHS_ENGLAND = frozenset({Status.SUBMITTED, Status.SIGNED_OFF})


def transition(status: str, action: Action) -> Transition | None:
    """The step an action takes from a status, or None when the action is not possible there."""
    return _BY_SOURCE_AND_ACTION.get((AssessmentStatus(status), action))


def target_of(status: str, action: Action) -> AssessmentStatus:
    """Where an action leads; only asked after the policy has allowed it."""
    step = transition(status, action)
    if step is None:
        raise ValueError(f"{action} is not possible from {status}")
    return step.target
