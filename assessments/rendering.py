"""Question forms rendered once and reused, because published question content never changes.

A domain page shows, for every question, its answer form and two evidence forms. Rendering them
through the NHS.UK crispy pack is most of the page's cost, yet their HTML depends only on the
question (frozen once its framework is published), the answer as stored, and two values of the
request: the assessment's address and the CSRF token. Each form is therefore rendered once with
stand-ins for those two values, kept in a bounded cache in the process, and the stand-ins are
replaced on every use. The stand-ins are random per process, so no typed answer can contain one.
Forms bound to a refused post are never cached: they carry the person's input and errors.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

from django import forms
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

ASSESSMENT_STAND_IN = 10**12 + secrets.randbelow(10**12)
CSRF_STAND_IN = f"csrf-stand-in-{secrets.token_hex(16)}"
CACHE_SIZE = 5000  # entries of a few kilobytes each, per worker process


class _RenderedForms:
    """A least-recently-used map from what a form shows to its HTML with stand-ins."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, str] = OrderedDict()
        self.lock = Lock()

    def get(self, key: Hashable) -> str | None:
        with self.lock:
            html = self.entries.get(key)
            if html is not None:
                self.entries.move_to_end(key)
            return html

    def put(self, key: Hashable, html: str) -> None:
        with self.lock:
            self.entries[key] = html
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


rendered_forms = _RenderedForms(CACHE_SIZE)


def render_form(form: forms.Form, *, csrf_token: str) -> str:
    return render_to_string("nhsuk/standalone_form.html", {"form": form, "csrf_token": csrf_token})


def form_html(
    request: HttpRequest,
    *,
    key: Hashable,
    assessment_pk: int,
    build: Callable[[int], forms.Form],
) -> SafeString:
    """The HTML of the form ``build(assessment_pk)`` makes, rendered at most once per ``key``.

    ``key`` must capture everything the form shows apart from the assessment and the token.
    """
    html = rendered_forms.get(key)
    if html is None:
        html = render_form(build(ASSESSMENT_STAND_IN), csrf_token=CSRF_STAND_IN)
        rendered_forms.put(key, html)
    html = html.replace(f"/{ASSESSMENT_STAND_IN}/", f"/{assessment_pk}/")
    return mark_safe(html.replace(CSRF_STAND_IN, request_csrf_token(request)))  # noqa: S308 - rendered by the template engine, escaped there


def cached_fragment(*, key: Hashable, render: Callable[[], str]) -> SafeString:
    """A piece of a page rendered once per ``key``, which must capture all that it shows."""
    html = rendered_forms.get(key)
    if html is None:
        html = render()
        rendered_forms.put(key, html)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there


def request_csrf_token(request: HttpRequest) -> str:
    """The request's CSRF token, masked once: masking afresh for each of a page's forms is slow."""
    token = getattr(request, "_portal_csrf_token", None)
    if token is None:
        token = request._portal_csrf_token = get_token(request)
    return token
