"""Personal API tokens: created and shown once, stored hashed, listed, revoked and expiring."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from audit.models import AuditAction, AuditEvent
from tests.factories import PASSWORD

from .conftest import client_for

pytestmark = pytest.mark.django_db

ASSESSMENTS = "/api/v1/assessments/"


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_a_token_is_shown_once_stored_only_as_a_hash_and_works(world):
    page = signed_in("lead_a")
    response = page.post(reverse("api-tokens"), {"name": "Power BI", "days": "30"})
    html = response.content.decode()
    token = html.split('id="token-value">')[1].split("</code>")[0]
    assert token.startswith("mp_") and len(token) > 40
    assert "it will not be shown again" in html
    assert token not in page.get(reverse("api-tokens")).content.decode()
    stored = ApiToken.objects.get(user=world.users["lead_a"])
    assert stored.name == "Power BI"
    assert stored.expiry - timezone.now() > dt.timedelta(days=29)
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key, name FROM api_apitoken")
        assert all(token not in str(row) for row in cursor.fetchall())
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(ASSESSMENTS).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.API_TOKEN_CREATED)
    assert event.actor == world.users["lead_a"] and "Power BI" in event.subject


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "days": "30"}, "Enter a name for the token"),
        ({"name": "x", "days": "1000"}, "Choose when the token expires from the list"),
        ({"name": "x" * 101, "days": "30"}, "Enter a name of 100 characters or fewer"),
    ],
)
def test_a_bad_token_request_says_why_and_creates_nothing(world, data, message):
    response = signed_in("lead_a").post(reverse("api-tokens"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_refused_and_only_its_owner_may_revoke_it(world):
    client = client_for(world.users["lead_a"])
    token = ApiToken.objects.get(user=world.users["lead_a"])
    url = reverse("api-token-revoke", args=[token.token_key])
    assert signed_in("lead_b").get(url).status_code == 404
    assert signed_in("lead_b").post(url).status_code == 404
    assert client.get(ASSESSMENTS).status_code == 200
    owner = signed_in("lead_a")
    assert "Revoke the token" in owner.get(url).content.decode()
    assert owner.post(url).status_code == 302
    assert not ApiToken.objects.exists()
    assert client.get(ASSESSMENTS).status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.API_TOKEN_REVOKED).count() == 1


def test_an_expired_token_is_refused(world):
    client = client_for(world.users["lead_a"])
    ApiToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(ASSESSMENTS)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")


def test_the_list_shows_each_of_my_tokens_and_none_of_anyone_elses(world):
    client_for(world.users["lead_a"])
    client_for(world.users["lead_b"])
    html = signed_in("lead_a").get(reverse("api-tokens")).content.decode()
    mine = ApiToken.objects.get(user=world.users["lead_a"])
    theirs = ApiToken.objects.get(user=world.users["lead_b"])
    assert mine.token_key in html and theirs.token_key not in html


def test_every_token_expires_and_is_named_in_the_database(world):
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        ApiToken.objects.create(world.users["lead_a"], expiry=None, name="forever")
    with transaction.atomic(), pytest.raises(IntegrityError):
        ApiToken.objects.create(world.users["lead_a"], expiry=dt.timedelta(days=1), name="")


def test_no_token_is_a_401_and_a_wrong_one_too(world):
    assert client_for(None).get(ASSESSMENTS).status_code == 401
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Token mp_not-a-real-token")
    assert client.get(ASSESSMENTS).status_code == 401
