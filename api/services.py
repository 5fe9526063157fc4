"""Writes of API tokens: create one (shown once) and revoke one."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from access import policy
from api.models import ApiToken
from audit.models import AuditAction
from audit.services import audit_record


@transaction.atomic
def api_token_create(*, user, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for ``user``, expiring after ``days``; the token itself is returned once and
    only its hash is kept."""
    if not policy.can_hold_api_tokens(user):
        raise PermissionDenied("Sign in to create an API token.")
    name = name.strip()
    if not name:
        raise ValidationError("Enter a name for the token, like 'Power BI'.")
    if days not in settings.API_TOKEN_LIFETIMES_DAYS:
        allowed = ", ".join(str(choice) for choice in settings.API_TOKEN_LIFETIMES_DAYS)
        raise ValidationError(f"A token lasts {allowed} days.")
    token, key = ApiToken.objects.create(user, expiry=timedelta(days=days), name=name)
    audit_record(
        assessment=None,
        actor=user,
        action=AuditAction.API_TOKEN_CREATED,
        subject=f"{token.name} ({token.token_key}…)",
        new=f"expires {timezone.localtime(token.expiry):%d %B %Y %H:%M}",
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, user) -> None:
    if not policy.can_revoke_api_token(user, token):
        raise PermissionDenied("You can revoke only your own tokens.")
    audit_record(
        assessment=None,
        actor=user,
        action=AuditAction.API_TOKEN_REVOKED,
        subject=f"{token.name} ({token.token_key}…)",
    )
    token.delete()
