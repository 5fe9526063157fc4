"""Project-wide pages: sign-in, the accessibility statement and the health check."""

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from maturity_portal.celery import app as celery_app
from maturity_portal.forms import SignInForm


class SignInView(LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


def sign_in_locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """What axes shows instead of a refused sign-in, the portal's or the admin's: how long to wait.

    A locked-out person is refused whatever password they give, so saying "wrong password" would
    send them round again.
    """
    context = {"form": SignInForm(request), "lockout_minutes": settings.SIGN_IN_LOCKOUT_MINUTES}
    return render(request, "registration/login.html", context, status=429)


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Readiness for load balancers and compose health checks: database and broker reachable."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = f"unavailable: {error.__class__.__name__}"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "not used (tasks run in-process)"
    else:
        try:
            with celery_app.connection_for_write() as broker:
                broker.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as error:  # noqa: BLE001
            checks["broker"] = f"unavailable: {error.__class__.__name__}"
    healthy = all(value == "ok" or value.startswith("not used") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
