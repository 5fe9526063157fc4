"""Inviting colleagues: a one-time link by email that creates or links an account to the trust."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from access import policy
from organisations.models import Invitation, Membership, Organisation
from organisations.selectors import display_name

INVITATION_LIFETIME = dt.timedelta(days=14)


class InvitationError(Exception):
    """An invitation that cannot be used; the message says why, for a person."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: str, user, accept_url_for
) -> Invitation:
    """Record the invitation and email the link; only a hash of the token is stored."""
    if not policy.can_invite(user, organisation):
        raise PermissionDenied("Only the trust's digital lead can invite colleagues.")
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise InvitationError(f"{email} is already a member of {organisation.name}.")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by=user,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    inviter = display_name(user)
    send_mail(
        subject=f"Join {organisation.name} on the digital maturity portal",
        message=(
            f"{inviter} has invited you to help with {organisation.name}'s digital maturity "
            f"self-assessment as {invitation.get_role_display().lower()}.\n\n"
            f"Use this link within 14 days to set your password and sign in:\n"
            f"{accept_url_for(token)}\n\n"
            "The link works once. If you were not expecting it, you can ignore this email."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )
    return invitation


def existing_account(*, email: str):
    """The account an invitation belongs to: the same email, or an email used as a username."""
    return (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
        .order_by("pk")
        .first()
    )


def invitation_for_token(*, token: str) -> Invitation:
    invitation = (
        Invitation.objects.filter(token_hash=_hash(token)).select_related("organisation").first()
    )
    if invitation is None:
        raise InvitationError("This invitation link is not valid. Ask for a new invitation.")
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has already been used. Sign in instead.")
    if invitation.expires_at < timezone.now():
        raise InvitationError("This invitation has expired. Ask for a new invitation.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str, full_name: str):
    """Create the account (or use the one with that email) and add the trust role."""
    invitation = invitation_for_token(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has already been used. Sign in instead.")
    user = existing_account(email=invitation.email)
    if user is None:
        if not password:
            raise InvitationError("Create a password to accept the invitation.")
        first, _, last = full_name.strip().partition(" ")
        user = get_user_model().objects.create_user(
            username=invitation.email,
            email=invitation.email,
            password=password,
            first_name=first,
            last_name=last,
        )
    Membership.objects.update_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    policy.forget_roles(user)
    return user
