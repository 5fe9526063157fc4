"""Sign-in throttling, response headers, early refusal of oversized uploads, session lifetime."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.evidence_files import MAX_EVIDENCE_BYTES
from assessments.models import Evidence
from assessments.services.evidence import evidence_add_file
from frameworks.models import Framework, Question
from maturity_portal.security import (
    CONTENT_SECURITY_POLICY,
    SecurityHeadersMiddleware,
    client_address,
)
from maturity_portal.uploads import MAX_REQUEST_BYTES, OversizedUpload
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    UserFactory,
    assessment_in,
    member,
    national,
    open_cycle,
    published_framework,
)

pytestmark = pytest.mark.django_db

LOCKED_OUT = "Too many failed sign-in attempts: you are locked out for 15 minutes"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def sign_in(client: Client, username: str, password: str, address: str = "192.0.2.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def lead():
    return UserFactory(username="lead")


@pytest.fixture
def trust_evidence(settings, tmp_path):
    """A lead with an open assessment and one stored PDF as evidence."""
    settings.MEDIA_ROOT = tmp_path / "media"
    trust = OrganisationFactory()
    user = member(trust, "digital_lead", "trust.lead")
    assessment = assessment_in(trust, open_cycle(published_framework()))
    question = Question.objects.get(framework=assessment.cycle.framework, code="D1-01")
    evidence = evidence_add_file(
        assessment=assessment,
        question=question,
        upload=SimpleUploadedFile("strategy.pdf", PDF),
        user=user,
    )
    return user, evidence


# --- sign-in throttling ---------------------------------------------------------------------------


def test_username_is_locked_after_five_failures_from_any_addresses(client, lead):
    for attempt in range(4):
        assert sign_in(client, "lead", "wrong", f"198.51.100.{attempt}").status_code == 200
    fifth = sign_in(client, "lead", "wrong", "198.51.100.4")
    assert fifth.status_code == 429
    correct = sign_in(client, "lead", PASSWORD, "198.51.100.99")
    assert correct.status_code == 429
    assert LOCKED_OUT in html.unescape(correct.content.decode())
    assert not signed_in(client)


def test_address_is_locked_after_five_failures_whatever_the_usernames(client, lead):
    for attempt in range(5):
        sign_in(client, f"guess{attempt}", "wrong", "203.0.113.7")
    assert sign_in(client, "lead", PASSWORD, "203.0.113.7").status_code == 429
    assert not signed_in(client)
    # Counted apart: the username itself has no failures, so from elsewhere it signs in.
    assert sign_in(client, "lead", PASSWORD, "203.0.113.8").status_code == 302
    assert signed_in(client)


def test_four_failures_do_not_lock_anyone_out(client, lead):
    for _ in range(4):
        sign_in(client, "lead", "wrong")
    assert sign_in(client, "lead", PASSWORD).status_code == 302
    assert signed_in(client)


def test_lockout_page_says_how_long_and_what_to_do_in_an_error_summary(client, lead):
    for _ in range(5):
        response = sign_in(client, "lead", "wrong")
    page = html.unescape(response.content.decode())
    assert response.status_code == 429
    assert "<title>Error: Sign in" in page
    assert 'class="nhsuk-error-summary"' in page
    assert LOCKED_OUT in page
    assert "Wait 15 minutes, then sign in again" in page
    assert "ask your portal administrator" in page
    assert "Enter a correct username and password" not in page


def test_lockout_lasts_its_period_and_retrying_does_not_extend_it(client, lead):
    for _ in range(5):
        sign_in(client, "lead", "wrong")
    locked_at = sorted(AccessAttempt.objects.values_list("attempt_time", flat=True))
    assert sign_in(client, "lead", PASSWORD).status_code == 429
    assert sorted(AccessAttempt.objects.values_list("attempt_time", flat=True)) == locked_at

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=14))
    assert sign_in(client, "lead", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert sign_in(client, "lead", PASSWORD).status_code == 302
    assert signed_in(client)


def test_admin_sign_in_is_throttled_too(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "root", "password": "wrong"}, REMOTE_ADDR="192.0.2.9")
    response = client.post(
        url, {"username": "root", "password": PASSWORD}, REMOTE_ADDR="192.0.2.10"
    )
    assert response.status_code == 429
    assert LOCKED_OUT in html.unescape(response.content.decode())
    assert not signed_in(client)


def test_sign_in_without_a_request_is_still_refused_for_a_locked_username(client, lead):
    assert Client().login(username="lead", password=PASSWORD)
    for _ in range(5):
        sign_in(client, "lead", "wrong")
    assert not Client().login(username="lead", password=PASSWORD)


def address(settings, proxies: int, forwarded: str | None) -> str | None:
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": "10.0.0.5"}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().post("/sign-in/", **meta))


def test_behind_one_proxy_the_client_is_the_address_it_appended(settings):
    assert address(settings, 1, "203.0.113.7") == "203.0.113.7"
    assert address(settings, 1, "6.6.6.6, 203.0.113.7") == "203.0.113.7"
    assert address(settings, 2, "6.6.6.6, 203.0.113.7, 10.0.0.9") == "203.0.113.7"
    assert address(settings, 2, "203.0.113.7") == "203.0.113.7"


def test_forwarded_header_is_ignored_without_trusted_proxies(settings):
    assert address(settings, 0, "203.0.113.7") == "10.0.0.5"


def test_missing_or_malformed_forwarded_header_falls_back_to_the_connection(settings):
    assert address(settings, 1, None) == "10.0.0.5"
    assert address(settings, 1, "not-an-address") == "10.0.0.5"


@pytest.mark.parametrize("proxies", [0, 1], ids=["no proxy", "behind nginx"])
def test_forging_forwarded_addresses_does_not_escape_the_address_lock(
    client, lead, settings, proxies
):
    settings.TRUSTED_PROXY_COUNT = proxies
    real = "203.0.113.7" if proxies else "10.0.0.5"
    for attempt in range(5):
        client.post(
            reverse("login"),
            {"username": f"guess{attempt}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{attempt}, {real}" if proxies else f"6.6.6.{attempt}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {real}
    response = client.post(
        reverse("login"),
        {"username": "lead", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR=f"6.6.6.99, {real}" if proxies else "6.6.6.99",
    )
    assert response.status_code == 429


# --- response headers -----------------------------------------------------------------------------


def assert_protected(response: HttpResponse) -> None:
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_pages_carry_the_policies_and_are_never_stored(client, lead):
    assert_protected(client.get(reverse("login")))
    client.force_login(lead)
    assert_protected(client.get(reverse("home")))


def test_evidence_download_is_never_stored(client, trust_evidence):
    user, evidence = trust_evidence
    client.force_login(user)
    response = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert_protected(response)


def test_refusals_are_never_stored_either(client, trust_evidence):
    _, evidence = trust_evidence
    client.force_login(UserFactory(username="outsider"))
    response = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert response.status_code == 404
    assert_protected(response)


def test_static_files_keep_their_cache_headers(client):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
    assert "Content-Security-Policy" not in response


def test_a_view_cannot_make_a_response_storable_but_may_set_its_own_policy():
    def view(request):
        response = HttpResponse("report")
        response["Cache-Control"] = "public, max-age=600"
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/"))
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == "default-src 'none'"


INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style|style=")


def test_portal_and_admin_pages_need_no_inline_script_or_style(client, trust_evidence):
    user, evidence = trust_evidence
    pages = {
        reverse("login"): client.get(reverse("login")),
        reverse("admin:login"): client.get(reverse("admin:login")),
    }
    client.force_login(user)
    for url in (
        reverse("home"),
        reverse("task-list", args=[evidence.assessment_id]),
        reverse("domain", args=[evidence.assessment_id, "D1"]),
    ):
        pages[url] = client.get(url)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for url in (
        reverse("admin:index"),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_change", args=[user.pk]),
        reverse("admin:axes_accessattempt_changelist"),
    ):
        pages[url] = client.get(url)
    for url, response in pages.items():
        assert response.status_code == 200, url
        assert INLINE.findall(response.content.decode()) == [], url


# --- oversized uploads ----------------------------------------------------------------------------


@pytest.fixture
def stored_bytes(monkeypatch) -> Counter[str]:
    """Bytes handed to Django's own handlers, which keep them in memory or a temporary file."""
    received: Counter[str] = Counter()
    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        keep = handler.receive_data_chunk

        def counted(self, raw_data, start, keep=keep):
            received[type(self).__name__] += len(raw_data)
            return keep(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counted)
    return received


def upload_evidence(client: Client, assessment_id: int, content: bytes):
    return client.post(
        reverse("evidence-file", args=[assessment_id, "D1-01"]),
        {"D1-01-file-file": SimpleUploadedFile("scan.pdf", content)},
    )


def test_sixty_megabyte_evidence_is_refused_without_storing_any_of_it(
    client, trust_evidence, stored_bytes, settings
):
    user, evidence = trust_evidence
    client.force_login(user)
    kept_before = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())

    response = upload_evidence(client, evidence.assessment_id, PDF + b"0" * (60 * 1024 * 1024))

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "There is a problem" in page
    assert "The selected file must be smaller than 10 MB" in page
    assert stored_bytes.total() == 0
    assert list(Evidence.objects.all()) == [evidence]
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == kept_before


def test_evidence_at_the_limit_is_still_accepted(client, trust_evidence, stored_bytes):
    user, evidence = trust_evidence
    client.force_login(user)
    content = PDF + b"0" * (MAX_EVIDENCE_BYTES - len(PDF))
    response = upload_evidence(client, evidence.assessment_id, content)
    assert response.status_code == 302
    assert Evidence.objects.latest("pk").size == MAX_EVIDENCE_BYTES
    assert stored_bytes["TemporaryFileUploadHandler"] == MAX_EVIDENCE_BYTES


def test_oversized_framework_file_is_refused_with_its_own_limit(client, stored_bytes):
    client.force_login(national("framework_admin", "fran"))
    response = client.post(
        reverse("framework-list"),
        {"file": SimpleUploadedFile("framework.yaml", b"code: x\n" * (2 * 1024 * 1024))},
    )
    assert response.status_code == 200
    assert "The selected file must be smaller than 2 MB" in html.unescape(response.content.decode())
    assert stored_bytes.total() == 0
    assert not Framework.objects.exists()


def test_content_of_an_oversized_upload_cannot_be_read():
    upload = OversizedUpload(
        name="scan.pdf", content_type="application/pdf", size=MAX_REQUEST_BYTES
    )
    with pytest.raises(ValueError, match="not kept"):
        upload.read()


# --- session lifetime -----------------------------------------------------------------------------


def test_each_request_pushes_the_idle_timeout_on(client, lead, settings):
    client.force_login(lead)
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    client.get(reverse("home"))
    expires = Session.objects.get().expire_date
    expected = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(expires - expected) < dt.timedelta(seconds=30)


def test_pages_within_a_minute_do_not_write_the_session_again(client, lead):
    client.force_login(lead)
    client.get(reverse("home"))
    first = Session.objects.get().expire_date
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("home"))
    assert Session.objects.get().expire_date == first
    assert not [q for q in captured if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_idle_session_past_its_lifetime_is_signed_out(client, lead):
    client.force_login(lead)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_session_cookie_ends_when_the_browser_closes(client, lead):
    response = sign_in(client, "lead", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
