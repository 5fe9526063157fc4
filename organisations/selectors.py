"""Reads about people: which trusts a user acts for, and in which roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from access.policy import ASSIGNABLE_ROLES
from organisations.models import Membership, NationalRole, Organisation


def display_name(user, *, nobody: str = "–") -> str:
    """How a person is named on pages, in the audit trail and in emails."""
    if user is None:
        return nobody
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class UserRoles:
    memberships: tuple[Membership, ...]
    national_roles: tuple[NationalRole, ...]

    @property
    def has_any_role(self) -> bool:
        return bool(self.memberships or self.national_roles)


def user_roles(*, user: AbstractBaseUser) -> UserRoles:
    """The trusts a user acts for (with the role in each) and their national roles: 2 queries."""
    memberships = Membership.objects.filter(user=user).select_related(
        "organisation", "organisation__region", "organisation__icb"
    )
    national_roles = NationalRole.objects.filter(user=user).select_related("icb")
    return UserRoles(memberships=tuple(memberships), national_roles=tuple(national_roles))


def peer_groups_of(*, organisation: Organisation) -> dict[str, int | str]:
    """The region, ICB and trust type an assessment records about its trust when it starts.

    Assessments keep them for their cycle, so later reorganisations (ICB mergers) never move a
    past year's benchmarks. Every way of creating an assessment takes them from here.
    """
    return {
        "region_id": organisation.region_id,
        "icb_id": organisation.icb_id,
        "trust_type": organisation.trust_type,
    }


def assignable_people(*, organisation_id: int) -> list[AbstractBaseUser]:
    """The trust's colleagues a digital lead may give a domain to, by name."""
    return list(
        get_user_model()
        .objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__role__in=ASSIGNABLE_ROLES,
        )
        .order_by("first_name", "last_name", "username")
    )
