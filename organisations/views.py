"""Pages for joining a trust: a digital lead invites a colleague, who accepts by a one-time link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from access import policy
from maturity_portal.forms import posted
from organisations.forms import AcceptInvitationForm, InviteForm
from organisations.models import Organisation
from organisations.services import invitations as invitation_services

TEMPLATE = "organisations/{}.html"


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, ods_code: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, ods_code=ods_code)
    if not policy.can_view_organisation(request.user, organisation):
        raise Http404("No such trust.")
    if not policy.can_invite(request.user, organisation):
        raise PermissionDenied("Only the trust's digital lead can invite colleagues.")
    form = InviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation_services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                user=request.user,
                accept_url_for=lambda token: request.build_absolute_uri(
                    reverse("accept-invitation", args=[token])
                ),
            )
        except invitation_services.InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("home")
    return render(
        request,
        TEMPLATE.format("invite"),
        {"organisation": organisation, "form": form, "title": "Invite a colleague"},
    )


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_services.invitation_for_token(token=token)
    except invitation_services.InvitationError as error:
        return render(request, "problem.html", {"message": str(error)}, status=410)
    existing = invitation_services.existing_account(email=invitation.email) is not None
    form = AcceptInvitationForm(posted(request), existing_account=existing)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_services.invitation_accept(
                token=token,
                password=form.cleaned_data.get("password", ""),
                full_name=form.cleaned_data.get("full_name", ""),
            )
        except invitation_services.InvitationError as error:
            return render(request, "problem.html", {"message": str(error)}, status=410)
        if existing:
            messages.success(request, f"You now act for {invitation.organisation.name}.")
            return redirect("login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("home")
    return render(
        request,
        TEMPLATE.format("accept_invitation"),
        {
            "invitation": invitation,
            "form": form,
            "existing": existing,
            "title": f"Join {invitation.organisation.name}",
        },
    )
