"""The pages where a signed-in person creates, lists and revokes their personal API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from access import scoping
from api import docs
from api.forms import ApiTokenForm
from api.services import api_token_create, api_token_revoke


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The list and the form; after a create, the token itself, shown this once."""
    action = reverse("api-tokens")
    form = ApiTokenForm(request.POST or None, action=action)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            _, created = api_token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            form.add_error("name", error.messages[0])
        else:
            form = ApiTokenForm(action=action)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": scoping.api_tokens_visible_to(user=request.user),
            "now": timezone.now(),
            "api_root": request.build_absolute_uri("/api/v1/"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke_page(request: HttpRequest, key: str) -> HttpResponse:
    token = get_object_or_404(scoping.api_tokens_visible_to(user=request.user), token_key=key)
    if request.method == "POST":
        api_token_revoke(token=token, user=request.user)
        messages.success(request, f"The token ‘{token.name}’ has been revoked.")
        return redirect("api-tokens")
    return render(request, "api/revoke.html", {"token": token})


@login_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """Every endpoint, its parameters, body and responses, from the OpenAPI schema."""
    return render(
        request,
        "api/docs.html",
        {
            "sections": docs.sections(),
            "api_root": request.build_absolute_uri("/api/v1/"),
            "rate_limit": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"],
            "page_size": settings.REST_FRAMEWORK["PAGE_SIZE"],
        },
    )
