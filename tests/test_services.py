"""The real services CI provides: PostgreSQL for the database, Redis for the broker."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from maturity_portal import views


@pytest.mark.postgres
@pytest.mark.django_db
def test_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.redis
@pytest.mark.django_db
def test_health_reports_redis_broker_reachable(client: Client):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get(reverse("health"))
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["broker"] == "ok"


@pytest.mark.django_db
def test_health_is_503_when_broker_is_down(client: Client, monkeypatch):
    unreachable = views.celery_app.connection_for_write("redis://127.0.0.1:1/0")
    monkeypatch.setattr(views.celery_app, "connection_for_write", lambda: unreachable)
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get(reverse("health"))
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["broker"].startswith("unavailable")
