"""Security plumbing: the response headers every page gets, and who is signing in from where."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Everything the portal serves is its own: no inline script or style, no other origin, no frames.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
# A questionnaire needs none of the browser's powerful features.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
)


class SecurityHeadersMiddleware:
    """Content and permissions policies, and no-store: pages and files carry trusts' data.

    A view may set its own policy headers. It may add Cache-Control directives too, but cannot
    make a response storable: no-store is merged into whatever it set. Static files never reach
    this middleware (WhiteNoise, before it, or nginx serves them), so they keep their caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        patch_cache_control(response, no_store=True)
        return response


SESSION_REFRESHED_KEY = "_refreshed_at"


class IdleTimeoutMiddleware:
    """Push a signed-in session's expiry on as people use the portal, at most once a minute.

    The session lasts ``SESSION_COOKIE_AGE`` after its last save; saving it on every request
    would write to the database on every page, so it is saved when its last push is a minute old
    or more. The idle timeout is then exact to within a minute.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            if (
                now - request.session.get(SESSION_REFRESHED_KEY, 0)
                >= settings.SESSION_REFRESH_SECONDS
            ):
                request.session[SESSION_REFRESHED_KEY] = now
        return self.get_response(request)


def client_address(request: HttpRequest) -> str | None:
    """The address sign-in throttling counts: the one that connected to our outermost proxy.

    Each of our proxies appends the address it saw to X-Forwarded-For, so only the last
    ``TRUSTED_PROXY_COUNT`` entries are ours; anything left of them came from the client and may
    be forged. With no proxy of ours (the default outside production) the header is ignored.
    """
    connected = request.META.get("REMOTE_ADDR")
    if settings.TRUSTED_PROXY_COUNT == 0:
        return connected
    chain = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    # A shorter chain than expected holds only our proxies' entries; the first is furthest out.
    candidate = chain[-settings.TRUSTED_PROXY_COUNT :][0]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return connected
    return candidate


class SignInThrottleBackend(AxesStandaloneBackend):
    """Axes' lock-out check, also for sign-ins made without a request.

    Web sign-ins, the portal's and the admin's, always pass their request. Django's test client
    and scripts do not, and axes would refuse them outright; checked against an empty request
    they are still refused for a locked-out username (there is no address to count).
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs,
    ) -> None:
        return super().authenticate(request or HttpRequest(), username, password, **kwargs)
