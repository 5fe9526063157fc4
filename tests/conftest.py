"""Shared test set-up: which real services are here, and what to do when one is missing.

Tests marked ``postgres``, ``redis``, ``celery_worker`` or ``browser`` run whenever the service
is available and are skipped with the reason otherwise. Under ``CI=true`` a missing service
fails the test instead: CI must never pass by skipping what it exists to check.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from functools import cache
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test.utils import override_settings

from assessments.rendering import rendered_forms
from frameworks.selectors import frozen_content_cache

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@cache
def _missing(marker: str) -> str | None:
    """Why the service a marker needs is unavailable, or None when it is here."""
    if marker == "postgres":
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            return "DATABASE_URL does not point at PostgreSQL"
        return None
    if marker in {"redis", "celery_worker"}:
        broker = os.environ.get("CELERY_BROKER_URL", "")
        if not broker.startswith("redis://"):
            return "CELERY_BROKER_URL does not point at Redis"
        address = urlparse(broker)
        try:
            socket.create_connection((address.hostname, address.port or 6379), timeout=2).close()
        except OSError as error:
            return f"Redis at {address.hostname}:{address.port or 6379} is unreachable ({error})"
        return None
    if marker == "browser":
        if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
            return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        return None
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    in_ci = os.environ.get("CI", "").lower() == "true"
    for item in items:
        for marker in ("postgres", "redis", "celery_worker", "browser"):
            if marker not in item.keywords:
                continue
            reason = _missing(marker)
            if reason is None:
                continue
            if in_ci:
                item.add_marker(pytest.mark.usefixtures("_fail_missing_service"))
                item.user_properties.append(("missing_service", f"{marker}: {reason}"))
            else:
                item.add_marker(pytest.mark.skip(reason=f"{marker} unavailable: {reason}"))


@pytest.fixture
def _fail_missing_service(request: pytest.FixtureRequest) -> None:
    reasons = [value for key, value in request.node.user_properties if key == "missing_service"]
    pytest.fail(f"CI=true but a required service is missing: {'; '.join(reasons)}")


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Tests create many users; the production hasher is deliberately slow."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _forget_rendered_forms() -> None:
    """Each test's database reuses ids; forms rendered for another test's questions must go."""
    rendered_forms.clear()


@pytest.fixture(autouse=True)
def _forget_framework_content() -> None:
    """Published content is kept per process; each test's database reuses framework ids."""
    frozen_content_cache.clear()


@pytest.fixture(autouse=True)
def _forget_rate_limits() -> None:
    """API rate limits are counted in the cache by user id, and each test's database reuses ids."""
    from django.core.cache import cache

    cache.clear()
