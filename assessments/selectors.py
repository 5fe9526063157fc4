"""Reads for assessments: who a user is and what they act for."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from assessments.models import Membership, NationalRole


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
    national_roles = NationalRole.objects.filter(user=user)
    return UserRoles(memberships=tuple(memberships), national_roles=tuple(national_roles))
