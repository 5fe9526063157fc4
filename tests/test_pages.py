"""Sign-in, the landing page and the health check."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.models import Membership, NationalRole, Organisation
from organisations.services.reference_data import organisations_load

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-2026"


@pytest.fixture
def lead():
    organisations_load()
    user = get_user_model().objects.create_user(
        "lead", password=PASSWORD, first_name="Dana", last_name="Lead"
    )
    Membership.objects.create(
        user=user, organisation=Organisation.objects.get(ods_code="R0A"), role="digital_lead"
    )
    return user


def test_anonymous_visitor_is_sent_to_sign_in(client: Client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_page_uses_nhs_components(client: Client):
    html = client.get(reverse("login")).content.decode()
    assert 'class="nhsuk-skip-link"' in html
    assert 'id="maincontent"' in html
    assert 'class="nhsuk-input' in html
    assert "Sign in" in html


def test_wrong_password_shows_error_summary_and_keeps_username(client: Client, lead):
    response = client.post(reverse("login"), {"username": "lead", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html
    assert "Enter a correct username and password" in html
    assert 'value="lead"' in html
    assert "<title>Error: Sign in" in html


def test_empty_sign_in_lists_each_missing_field(client: Client):
    html = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "Enter your username" in html
    assert "Enter your password" in html
    assert 'href="#id_username"' in html


def test_signed_in_landing_page_names_user_role_and_trust(client: Client, lead):
    client.post(reverse("login"), {"username": "lead", "password": PASSWORD})
    html = client.get(reverse("home")).content.decode()
    assert "Welcome, Dana Lead" in html
    assert "Manchester University NHS Foundation Trust" in html
    assert "Trust digital lead" in html
    assert "R0A" in html


def test_landing_page_for_user_without_roles_explains_next_step(client: Client):
    get_user_model().objects.create_user("nobody", password=PASSWORD)
    client.login(username="nobody", password=PASSWORD)
    html = client.get(reverse("home")).content.decode()
    assert "not linked to any organisation yet" in html


def test_landing_page_shows_national_role(client: Client):
    user = get_user_model().objects.create_user("admin", password=PASSWORD)
    NationalRole.objects.create(user=user, role="framework_admin")
    client.login(username="admin", password=PASSWORD)
    html = client.get(reverse("home")).content.decode()
    assert "Framework admin: all NHS trusts in England" in html


def test_an_analyst_who_also_acts_for_a_trust_keeps_the_home_page_with_a_dashboard_link(
    client: Client, lead
):
    NationalRole.objects.create(user=lead, role="analyst")
    client.login(username="lead", password=PASSWORD)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "NHS England analyst: all NHS trusts in England" in html
    assert f'href="{reverse("national-dashboard")}"' in html


def test_landing_page_query_count_does_not_grow_with_memberships(client: Client, lead):
    client.login(username="lead", password=PASSWORD)
    client.get(reverse("home"))  # the first page after signing in refreshes the session
    with CaptureQueriesContext(connection) as one_trust:
        client.get(reverse("home"))
    for trust in Organisation.objects.exclude(ods_code="R0A")[:20]:
        Membership.objects.create(user=lead, organisation=trust, role="board_member")
    with CaptureQueriesContext(connection) as many_trusts:
        response = client.get(reverse("home"))
    assert len(many_trusts) == len(one_trust)
    assert response.content.decode().count('class="nhsuk-card__heading"') == 21


def test_sign_out_needs_post_and_ends_session(client: Client, lead):
    client.login(username="lead", password=PASSWORD)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_health_reports_database(client: Client):
    response = client.get(reverse("health"))
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["database"] == "ok"


def test_unknown_page_is_a_404_not_a_500(client: Client):
    assert client.get("/no-such-page/").status_code == 404


def test_admin_lists_every_model(admin_client: Client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    for model in (
        "frameworks/framework",
        "frameworks/question",
        "frameworks/answeroption",
        "frameworks/stagethreshold",
        "organisations/organisation",
        "organisations/membership",
        "organisations/nationalrole",
        "audit/auditevent",
        "assessments/cycle",
        "assessments/assessment",
        "assessments/response",
    ):
        assert f"/admin/{model}/" in html
