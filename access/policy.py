"""Every "may this user do X" decision, and nothing else.

Views, downloads, services and (later) the API all ask here; no permission is decided in a
template, a form or a view. What a user may *see* is stated once, as scopes: this module answers
yes/no for one object from them, and ``access.scoping`` turns the same scopes into querysets, so
a list can never show a row that its detail page would refuse. What a user may *do* to an
assessment comes from the lifecycle table (``assessments.lifecycle``): whether the action is
possible in the assessment's status, and which role may take it.

A user's roles are read once per request (one query) and kept on the user object. A trust
role only counts in its own trust.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from assessments.lifecycle import SHARED_WITH_NHS_ENGLAND, Action, Actor, transition
from assessments.models import Assessment, AssessmentStatus, DomainAssignment, Evidence
from frameworks.models import Domain
from frameworks.selectors import framework_content
from organisations.models import (
    MembershipRole,
    NationalRoleName,
    Organisation,
)

# The trust roles a domain may be assigned to.
ASSIGNABLE_ROLES = frozenset({MembershipRole.CONTRIBUTOR, MembershipRole.DIGITAL_LEAD})
_ACTOR_OF_TRUST_ROLE = {
    MembershipRole.DIGITAL_LEAD: Actor.DIGITAL_LEAD,
    MembershipRole.CONTRIBUTOR: Actor.CONTRIBUTOR,
    MembershipRole.BOARD_MEMBER: Actor.BOARD_MEMBER,
}


@dataclass(frozen=True)
class Roles:
    trust_roles: dict[int, str]  # organisation id -> membership role
    national: frozenset[str]
    superuser: bool
    icb_ids: frozenset[int] = frozenset()  # the ICBs an ICB viewer sees
    icb_trust_ids: frozenset[int] = frozenset()  # the trusts of those ICBs

    def role_in(self, organisation_id: int) -> str | None:
        return self.trust_roles.get(organisation_id)

    @property
    def analyst(self) -> bool:
        return NationalRoleName.ANALYST in self.national or self.superuser

    @property
    def framework_admin(self) -> bool:
        return NationalRoleName.FRAMEWORK_ADMIN in self.national or self.superuser

    @property
    def nhs_england(self) -> bool:
        return self.analyst or self.framework_admin


NO_ROLES = Roles(trust_roles={}, national=frozenset(), superuser=False)


def roles_of(user) -> Roles:
    """The user's roles, read once and kept on the user object for the rest of the request."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return NO_ROLES
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        # One query: each membership beside each national role and, for an ICB viewer, each
        # trust of its ICB (a person has few of any).
        rows = list(
            get_user_model()
            .objects.filter(pk=user.pk)
            .values_list(
                "memberships__organisation_id",
                "memberships__role",
                "national_roles__role",
                "national_roles__icb_id",
                "national_roles__icb__organisations__id",
            )
        )
        cached = Roles(
            trust_roles={trust: role for trust, role, *_ in rows if trust is not None},
            national=frozenset(row[2] for row in rows if row[2] is not None),
            superuser=user.is_active and user.is_superuser,
            icb_ids=frozenset(row[3] for row in rows if row[3] is not None),
            icb_trust_ids=frozenset(row[4] for row in rows if row[4] is not None),
        )
        user._portal_roles = cached
    return cached


def forget_roles(user) -> None:
    """After a membership changes mid-request (accepting an invitation)."""
    if hasattr(user, "_portal_roles"):
        del user._portal_roles


# --- what a user may see: scopes, shared with access.scoping -------------------------------------


@dataclass(frozen=True)
class Scope:
    """Assessments of these trusts (None: every trust) in these statuses (None: every status)."""

    organisation_ids: frozenset[int] | None
    statuses: frozenset[str] | None

    def admits(self, *, organisation_id: int, status: str | None) -> bool:
        return (self.organisation_ids is None or organisation_id in self.organisation_ids) and (
            self.statuses is None or status in self.statuses
        )

    def as_q(self, *, organisation_field: str = "organisation_id", status_field="status") -> Q:
        condition = Q()
        if self.organisation_ids is not None:
            condition &= Q(**{f"{organisation_field}__in": sorted(self.organisation_ids)})
        if self.statuses is not None:
            condition &= Q(**{f"{status_field}__in": sorted(self.statuses)})
        return condition


def assessment_scopes(user) -> tuple[Scope, ...]:
    """A trust's own people see its assessments at every stage; NHS England (every trust) and an
    ICB viewer (its ICB's trusts) once they are submitted."""
    roles = roles_of(user)
    scopes = []
    if roles.trust_roles:
        scopes.append(Scope(organisation_ids=frozenset(roles.trust_roles), statuses=None))
    if roles.nhs_england:
        scopes.append(Scope(organisation_ids=None, statuses=SHARED_WITH_NHS_ENGLAND))
    elif roles.icb_trust_ids:
        scopes.append(Scope(organisation_ids=roles.icb_trust_ids, statuses=SHARED_WITH_NHS_ENGLAND))
    return tuple(scopes)


def organisation_scopes(user) -> tuple[Scope, ...]:
    """A trust's people see their own trusts, an ICB viewer its ICB's, NHS England every trust."""
    roles = roles_of(user)
    if roles.nhs_england:
        return (Scope(organisation_ids=None, statuses=None),)
    scopes = []
    if roles.trust_roles:
        scopes.append(Scope(organisation_ids=frozenset(roles.trust_roles), statuses=None))
    if roles.icb_trust_ids:
        scopes.append(Scope(organisation_ids=roles.icb_trust_ids, statuses=None))
    return tuple(scopes)


def can_view_assessment(user, assessment: Assessment) -> bool:
    return can_view_assessment_of(
        user, organisation_id=assessment.organisation_id, status=assessment.status
    )


def can_view_assessment_of(user, *, organisation_id: int, status: str) -> bool:
    """The same decision from the two facts it rests on."""
    return assessment_viewer(user)(organisation_id, status)


def assessment_viewer(user) -> Callable[[int, str], bool]:
    """``can_view_assessment_of`` for one user, with the scopes built once: for long lists read
    as plain values (organisation id, status)."""
    scopes = assessment_scopes(user)
    return lambda organisation_id, status: any(
        scope.admits(organisation_id=organisation_id, status=status) for scope in scopes
    )


def can_view_organisation(user, organisation: Organisation) -> bool:
    return any(
        scope.admits(organisation_id=organisation.pk, status=None)
        for scope in organisation_scopes(user)
    )


def can_view_audit(user, assessment: Assessment) -> bool:
    """The digital lead, and NHS England for what it may see."""
    if not can_view_assessment(user, assessment):
        return False
    roles = roles_of(user)
    return roles.role_in(assessment.organisation_id) == MembershipRole.DIGITAL_LEAD or (
        roles.nhs_england
    )


def can_download_evidence(user, evidence: Evidence) -> bool:
    return can_view_assessment(user, evidence.assessment)


# --- what a user may do to an assessment: the lifecycle table ------------------------------------


def _cycle_open(cycle) -> bool:
    return cycle.is_open_on(timezone.localdate())


def _actors(user, organisation_id: int) -> set[Actor]:
    roles = roles_of(user)
    actors = set()
    trust_role = roles.role_in(organisation_id)
    if trust_role in _ACTOR_OF_TRUST_ROLE:
        actors.add(_ACTOR_OF_TRUST_ROLE[trust_role])
    if roles.framework_admin:
        actors.add(Actor.FRAMEWORK_ADMIN)
    return actors


def _may(user, assessment: Assessment, action: Action) -> set[Actor]:
    """The roles in which this user may take the action now (empty when they may not)."""
    step = transition(assessment.status, action)
    if step is None or (step.needs_open_cycle and not _cycle_open(assessment.cycle)):
        return set()
    return _actors(user, assessment.organisation_id) & step.who


def is_open_for_editing(assessment: Assessment) -> bool:
    """Whether anyone at all may change answers now: the status allows it and the cycle is open."""
    step = transition(assessment.status, Action.EDIT)
    return step is not None and (not step.needs_open_cycle or _cycle_open(assessment.cycle))


def can_start_assessment(user, organisation: Organisation, cycle) -> bool:
    step = transition(AssessmentStatus.NOT_STARTED, Action.START)
    if step is None or (step.needs_open_cycle and not _cycle_open(cycle)):
        return False
    return bool(_actors(user, organisation.pk) & step.who)


def can_edit_domain(user, assessment: Assessment, domain: Domain) -> bool:
    """Answer, comment on, confirm and attach evidence to the questions of one domain."""
    return domain.pk in editable_domain_ids(user, assessment)


def editable_domain_ids(user, assessment: Assessment) -> set[int]:
    """The domains this user may edit, in at most one query: for pages listing every domain."""
    actors = _may(user, assessment, Action.EDIT)
    if Actor.DIGITAL_LEAD in actors:
        return {
            domain.pk for domain in framework_content(framework=assessment.cycle.framework).domains
        }
    if Actor.CONTRIBUTOR in actors:
        return set(
            DomainAssignment.objects.filter(assessment=assessment, assignee=user).values_list(
                "domain_id", flat=True
            )
        )
    return set()


def can_import_answers(user, assessment: Assessment) -> bool:
    """Import a file of answers: anyone who may change at least one domain now (each answer in
    the file is then held to its own domain)."""
    return bool(editable_domain_ids(user, assessment))


def can_assign_domains(user, assessment: Assessment) -> bool:
    return bool(_may(user, assessment, Action.ASSIGN))


def can_be_assigned(trust_role: str | None) -> bool:
    """Whether a colleague with this trust role may be given a domain to answer."""
    return trust_role in ASSIGNABLE_ROLES


def can_submit(user, assessment: Assessment) -> bool:
    return bool(_may(user, assessment, Action.SUBMIT))


def can_sign_off(user, assessment: Assessment) -> bool:
    return bool(_may(user, assessment, Action.SIGN_OFF))


def can_return(user, assessment: Assessment) -> bool:
    return bool(_may(user, assessment, Action.RETURN))


def can_reopen(user, assessment: Assessment) -> bool:
    return bool(_may(user, assessment, Action.REOPEN))


def is_board_member(user, organisation_id: int) -> bool:
    return roles_of(user).role_in(organisation_id) == MembershipRole.BOARD_MEMBER


# --- the trust's team ----------------------------------------------------------------------------


def can_invite(user, organisation: Organisation) -> bool:
    return roles_of(user).role_in(organisation.pk) == MembershipRole.DIGITAL_LEAD


# --- NHS England's administration ----------------------------------------------------------------


def can_manage_cycles(user) -> bool:
    """Create cycles and extend their closing dates."""
    return roles_of(user).framework_admin


def can_manage_frameworks(user) -> bool:
    """Load, publish, retire and copy framework versions."""
    return roles_of(user).framework_admin


def can_use_django_admin(user) -> bool:
    """The Django admin is a superuser's tool; framework admins have the portal's own pages."""
    return roles_of(user).superuser


# --- benchmarks and national data ----------------------------------------------------------------


def can_run_benchmarks(user) -> bool:
    """Start or retry benchmark runs, and watch them: NHS England's analysts and admins."""
    return roles_of(user).nhs_england


def can_download_national(user) -> bool:
    """National files name every trust: analysts only."""
    return roles_of(user).analyst


# --- dashboards ----------------------------------------------------------------------------------


def can_view_trust_dashboard(user, organisation: Organisation) -> bool:
    """A trust's people, an ICB viewer for its ICB's trusts, NHS England for every trust."""
    return can_view_organisation(user, organisation)


def can_view_national_dashboard(user) -> bool:
    """Every trust by name, side by side: NHS England's analysts."""
    return roles_of(user).analyst


def icb_ids_visible(user) -> frozenset[int] | None:
    """The ICBs whose summary a user may open: None means every ICB (NHS England's analysts)."""
    roles = roles_of(user)
    return None if roles.analyst else roles.icb_ids


def can_view_icb_summary(user, icb_id: int) -> bool:
    visible = icb_ids_visible(user)
    return visible is None or icb_id in visible


# --- the API -------------------------------------------------------------------------------------


def can_hold_api_tokens(user) -> bool:
    """Anyone signed in may create tokens: a token reads and writes only what its owner may."""
    return user is not None and user.is_authenticated and user.is_active


def can_revoke_api_token(user, token) -> bool:
    """A token is its owner's alone to revoke."""
    return can_hold_api_tokens(user) and token.user_id == user.pk
