"""Every "may this user do X to this object" decision, and nothing else.

Views, downloads, services and (later) the API all ask here; no permission is decided in a
template or a form. A user's roles are read once per request (two queries) and kept on the
user object. Cross-trust access never passes: a trust role only counts in its own trust.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from assessments.models import (
    Assessment,
    AssessmentStatus,
    DomainAssignment,
    Evidence,
    Membership,
    MembershipRole,
    NationalRole,
    NationalRoleName,
    Organisation,
)
from frameworks.models import Domain

READABLE_BY_ANALYSTS = {AssessmentStatus.SUBMITTED, AssessmentStatus.SIGNED_OFF}


@dataclass(frozen=True)
class Roles:
    trust_roles: dict[int, str]  # organisation id -> membership role
    national: frozenset[str]
    superuser: bool

    def role_in(self, organisation_id: int) -> str | None:
        return self.trust_roles.get(organisation_id)

    @property
    def analyst(self) -> bool:
        return NationalRoleName.ANALYST in self.national or self.superuser

    @property
    def framework_admin(self) -> bool:
        return NationalRoleName.FRAMEWORK_ADMIN in self.national or self.superuser


NO_ROLES = Roles(trust_roles={}, national=frozenset(), superuser=False)


def roles_of(user) -> Roles:
    """The user's roles, read once and kept on the user object for the rest of the request."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return NO_ROLES
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = Roles(
            trust_roles=dict(
                Membership.objects.filter(user=user).values_list("organisation_id", "role")
            ),
            national=frozenset(
                NationalRole.objects.filter(user=user).values_list("role", flat=True)
            ),
            superuser=user.is_superuser,
        )
        user._portal_roles = cached
    return cached


def forget_roles(user) -> None:
    """After a membership changes mid-request (accepting an invitation)."""
    if hasattr(user, "_portal_roles"):
        del user._portal_roles


def _cycle_open(assessment: Assessment) -> bool:
    return assessment.cycle.is_open_on(timezone.localdate())


# --- reading -------------------------------------------------------------------------------------


def can_view_assessment(user, assessment: Assessment) -> bool:
    """A trust's own people see it at every stage; NHS England once it is submitted."""
    roles = roles_of(user)
    if roles.role_in(assessment.organisation_id) is not None:
        return True
    return (roles.analyst or roles.framework_admin) and assessment.status in READABLE_BY_ANALYSTS


def can_view_organisation(user, organisation: Organisation) -> bool:
    roles = roles_of(user)
    return roles.role_in(organisation.pk) is not None or roles.analyst or roles.framework_admin


def can_view_audit(user, assessment: Assessment) -> bool:
    roles = roles_of(user)
    if roles.role_in(assessment.organisation_id) == MembershipRole.DIGITAL_LEAD:
        return True
    return (roles.analyst or roles.framework_admin) and can_view_assessment(user, assessment)


def can_download_evidence(user, evidence: Evidence) -> bool:
    return can_view_assessment(user, evidence.assessment)


# --- the trust's team ----------------------------------------------------------------------------


def can_start_assessment(user, organisation: Organisation, cycle) -> bool:
    roles = roles_of(user)
    return roles.role_in(organisation.pk) == MembershipRole.DIGITAL_LEAD and cycle.is_open_on(
        timezone.localdate()
    )


def can_edit_domain(user, assessment: Assessment, domain: Domain) -> bool:
    """Answer, comment on, confirm and attach evidence to the questions of one domain."""
    if not assessment.is_editable_status or not _cycle_open(assessment):
        return False
    role = roles_of(user).role_in(assessment.organisation_id)
    if role == MembershipRole.DIGITAL_LEAD:
        return True
    if role == MembershipRole.CONTRIBUTOR:
        return DomainAssignment.objects.filter(
            assessment=assessment, domain=domain, assignee=user
        ).exists()
    return False


def editable_domain_ids(user, assessment: Assessment) -> set[int]:
    """The domains this user may edit, in one query: for pages listing every domain."""
    if not assessment.is_editable_status or not _cycle_open(assessment):
        return set()
    role = roles_of(user).role_in(assessment.organisation_id)
    if role == MembershipRole.DIGITAL_LEAD:
        return set(
            Domain.objects.filter(framework_id=assessment.cycle.framework_id).values_list(
                "pk", flat=True
            )
        )
    if role == MembershipRole.CONTRIBUTOR:
        return set(
            DomainAssignment.objects.filter(assessment=assessment, assignee=user).values_list(
                "domain_id", flat=True
            )
        )
    return set()


def is_digital_lead(user, organisation_id: int) -> bool:
    return roles_of(user).role_in(organisation_id) == MembershipRole.DIGITAL_LEAD


def can_assign_domains(user, assessment: Assessment) -> bool:
    return (
        is_digital_lead(user, assessment.organisation_id)
        and assessment.is_editable_status
        and _cycle_open(assessment)
    )


def can_submit(user, assessment: Assessment) -> bool:
    return (
        is_digital_lead(user, assessment.organisation_id)
        and assessment.is_editable_status
        and _cycle_open(assessment)
    )


def can_invite(user, organisation: Organisation) -> bool:
    return is_digital_lead(user, organisation.pk)


# --- the board and NHS England -------------------------------------------------------------------


def can_sign_off(user, assessment: Assessment) -> bool:
    """Sign off or return: a board member of the trust, once the lead has submitted."""
    role = roles_of(user).role_in(assessment.organisation_id)
    return role == MembershipRole.BOARD_MEMBER and assessment.status == AssessmentStatus.SUBMITTED


def can_reopen(user, assessment: Assessment) -> bool:
    return roles_of(user).framework_admin and assessment.status == AssessmentStatus.SIGNED_OFF


def can_extend_cycle(user) -> bool:
    return roles_of(user).framework_admin
