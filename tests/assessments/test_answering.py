"""Answering through the pages: saves, conflicts, htmx, and bad input that never costs an answer."""

from __future__ import annotations

import dataclasses
import html

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.models import Evidence, Response
from audit.models import AuditAction, AuditEvent
from frameworks.models import Question
from frameworks.services import framework_copy_as_draft, framework_import, framework_publish
from organisations.models import Membership
from organisations.services.invitations import invitation_create
from tests.factories import PASSWORD, UserFactory, small_framework_definition

from .conftest import pdf_upload


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def save_url(world, code: str) -> str:
    return reverse("question-save", args=[world.assessment_a.pk, code])


def post_answer(client, world, code, answer, version=0, comment="", **extra):
    data = {f"{code}-answer": answer, f"{code}-version": version, f"{code}-comment": comment}
    return client.post(save_url(world, code), data, **extra)


def stored(world, code) -> Response | None:
    return Response.objects.filter(assessment=world.assessment_a, question__code=code).first()


def test_saving_without_javascript_redirects_back_to_the_question(world):
    response = post_answer(signed_in("lead_a"), world, "D1-01", "3")
    url = reverse("domain", args=[world.assessment_a.pk, "D1"])
    assert response.status_code == 302
    assert response["Location"] == f"{url}#question-D1-01"
    assert stored(world, "D1-01").option.order == 3


def test_saving_with_htmx_returns_the_question_only(world):
    response = post_answer(signed_in("lead_a"), world, "D1-01", "2", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert 'id="question-D1-01"' in page
    assert "Your answer to D1-01 has been saved." in page
    assert 'name="D1-01-version" value="1"' in page


def test_stale_save_is_refused_with_the_other_answer_and_both_kept_in_audit(world):
    lead, contributor = signed_in("lead_a"), signed_in("contributor_a")
    assert post_answer(lead, world, "D1-01", "2").status_code == 302
    response = post_answer(contributor, world, "D1-01", "4", version=0)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this answer" in page
    assert f"{world.users['lead_a'].get_full_name()} saved <strong>Developing practice" in page
    assert "Replace their answer with mine" in page
    assert stored(world, "D1-01").option.order == 2
    changed = AuditEvent.objects.get(action=AuditAction.ANSWER_CHANGED, subject="D1-01")
    refused = AuditEvent.objects.get(action=AuditAction.SAVE_REFUSED, subject="D1-01")
    assert changed.new_value == "Developing practice for D1-01"
    assert refused.old_value == "Developing practice for D1-01"
    assert refused.new_value == "Advanced practice for D1-01"
    assert refused.actor == world.users["contributor_a"]


def test_overwriting_after_a_conflict_is_a_deliberate_second_save(world):
    lead, contributor = signed_in("lead_a"), signed_in("contributor_a")
    post_answer(lead, world, "D1-01", "2")
    post_answer(contributor, world, "D1-01", "4", version=0)
    assert post_answer(contributor, world, "D1-01", "4", version=1).status_code == 302
    assert stored(world, "D1-01").option.order == 4
    assert stored(world, "D1-01").version == 2


@pytest.mark.parametrize(
    ("code", "answer", "message"),
    [
        ("D1-01", "99", "Select one of the answers shown for D1-01"),
        ("D1-01", "", "Select an answer to D1-01"),
        ("D1-PC", "140", "Enter a percentage between 0 and 100 for D1-PC"),
        ("D1-PC", "-3", "Enter a percentage between 0 and 100 for D1-PC"),
        ("D1-NU", "twelve", "Enter D1-NU as a number, like 12"),
        ("D1-NU", "-1", "Enter a number of 0 or more for D1-NU"),
        ("D1-MC", "7", "Select only the options shown for D1-MC"),
        (
            "D1-MC",
            ["1", "3"],
            "Select &#x27;None of these&#x27; on its own for D1-MC, or the other options",
        ),
    ],
    ids=[
        "wrong option",
        "no option",
        "percentage 140",
        "negative percentage",
        "text in number",
        "negative number",
        "unknown checkbox",
        "none of these and more",
    ],
)
def test_bad_answer_gets_a_clear_message_and_keeps_the_saved_answer(world, code, answer, message):
    client = signed_in("lead_a")
    good = {"D1-01": "2", "D1-PC": "50", "D1-NU": "0", "D1-MC": "1"}[code]
    post_answer(client, world, code, good)
    response = post_answer(client, world, code, answer, version=1)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert f'href="#id_{code}-answer' in page
    assert "<title>Error:" in page
    saved = stored(world, code)
    assert saved.version == 1


def test_question_from_another_framework_is_refused_plainly(world):
    other = dataclasses.replace(small_framework_definition(domains=9), code="other-framework")
    framework_import(definition=other, publish=True, user=None)
    response = post_answer(signed_in("lead_a"), world, "D9-01", "1")
    assert response.status_code == 400
    message = "D9-01 is not a question of this assessment's framework."
    assert message in html.unescape(response.content.decode())
    assert not Response.objects.filter(assessment=world.assessment_a).exists()


def upload(client, world, file):
    return client.post(
        reverse("evidence-file", args=[world.assessment_a.pk, "D1-01"]), {"D1-01-file-file": file}
    )


def test_pdf_evidence_is_stored_and_downloaded_through_the_policy(world):
    client = signed_in("lead_a")
    assert upload(client, world, pdf_upload()).status_code == 302
    evidence = Evidence.objects.get()
    download = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert 'attachment; filename="strategy.pdf"' in download["Content-Disposition"]
    other = signed_in("lead_b").get(reverse("evidence-download", args=[evidence.pk]))
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024)),
            "The selected file must be smaller than 10 MB.",
        ),
        (
            SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
            "The selected file is not a real PDF file",
        ),
        (
            SimpleUploadedFile("tool.exe", b"MZ\x90\x00"),
            "must be a PDF, DOCX, XLSX, CSV, PNG or JPG",
        ),
        (SimpleUploadedFile("empty.csv", b""), "The selected file is empty"),
        (SimpleUploadedFile("fake.docx", b"PK\x03\x04not really a zip"), "not a real DOCX file"),
    ],
    ids=["20 MB", "exe renamed pdf", "exe", "empty", "fake docx"],
)
def test_bad_evidence_file_is_refused_with_a_clear_message(world, file, message):
    response = upload(signed_in("lead_a"), world, file)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not Evidence.objects.exists()


def test_evidence_link_needs_a_full_address(world):
    client = signed_in("lead_a")
    url = reverse("evidence-link", args=[world.assessment_a.pk, "D1-01"])
    bad = client.post(url, {"D1-01-link-url": "not a link"})
    assert "Enter a full web address" in bad.content.decode()
    good = client.post(url, {"D1-01-link-url": "https://intranet.example.nhs.uk/strategy"})
    assert good.status_code == 302
    assert Evidence.objects.get().url == "https://intranet.example.nhs.uk/strategy"


def test_removing_evidence_is_audited(world):
    client = signed_in("lead_a")
    upload(client, world, pdf_upload())
    evidence = Evidence.objects.get()
    assert client.post(reverse("evidence-remove", args=[evidence.pk])).status_code == 302
    assert not Evidence.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.EVIDENCE_REMOVED).exists()


def test_audit_csv_has_every_change_and_neutralises_formulas(world):
    client = signed_in("lead_a")
    post_answer(client, world, "D1-01", "2", comment='=HYPERLINK("x")')
    response = client.get(reverse("audit-csv", args=[world.assessment_a.pk]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "Answer changed,D1-01,(no answer),Developing practice for D1-01" in text
    assert "'=HYPERLINK" in text


def test_invitation_journey_through_the_pages(world):
    lead = signed_in("lead_a")
    response = lead.post(
        reverse("invite", args=[world.trust_a.ods_code]),
        {"email": "new.colleague@nhs.net", "role": "contributor"},
    )
    assert response.status_code == 302
    [email] = mail.outbox
    link = next(word for word in email.body.split() if "/invitations/" in word)
    path = link[link.index("/invitations/") :]
    visitor = Client()
    page = visitor.get(path).content.decode()
    assert "Join Alpha Hospitals NHS Foundation Trust" in page
    weak = visitor.post(path, {"full_name": "New Colleague", "password": "12345678"})
    assert "This password is too common" in html.unescape(weak.content.decode())
    done = visitor.post(path, {"full_name": "New Colleague", "password": "a-strong-pass-2026"})
    assert done.status_code == 302
    home = visitor.get(reverse("home")).content.decode()
    assert "Alpha Hospitals NHS Foundation Trust" in home
    assert "Contributor" in home
    again = Client().get(path)
    assert again.status_code == 410
    assert "already been used" in html.unescape(again.content.decode())


def test_invalid_invitation_email_is_explained(world):
    response = signed_in("lead_a").post(
        reverse("invite", args=[world.trust_a.ods_code]), {"email": "not-an-email", "role": ""}
    )
    page = response.content.decode()
    assert "Enter an email address in the correct format, like name@nhs.net" in page
    assert "Select their role" in page


def test_crafted_version_for_an_unanswered_question_is_refused_plainly(world):
    response = post_answer(signed_in("lead_a"), world, "D1-01", "2", version=5)
    assert response.status_code == 200
    assert "changed while you were answering it" in html.unescape(response.content.decode())
    assert stored(world, "D1-01") is None


def test_conflict_without_javascript_is_announced_at_the_top(world):
    post_answer(signed_in("lead_a"), world, "D1-01", "2")
    page = post_answer(signed_in("contributor_a"), world, "D1-01", "4").content.decode()
    assert "<title>Error:" in page
    assert '<a href="#question-D1-01">D1-01 was changed by someone else' in page
    assert 'action="/assessments/' in page
    assert '/questions/D1-01/#question-D1-01"' in page


def test_guidance_is_shown_as_text_never_as_html(world):
    draft = framework_copy_as_draft(framework=world.framework, version="xss", user=None)
    Question.objects.filter(framework=draft, code="D1-01").update(
        guidance='<img src=x onerror="alert(1)">'
    )
    framework_publish(framework=draft, user=None)
    world.cycle.framework = draft
    world.cycle.save()
    page = signed_in("lead_a").get(reverse("domain", args=[world.assessment_a.pk, "D1"]))
    text = page.content.decode()
    assert "<img src=x" not in text
    assert "&lt;img src=x onerror=" in text


def test_someone_with_an_account_accepts_an_invitation_without_a_new_password(world):
    links = []
    invitation_create(
        organisation=world.trust_a,
        email=world.users["lead_b"].email,
        role="contributor",
        user=world.users["lead_a"],
        accept_url_for=lambda token: links.append(token) or token,
    )
    path = reverse("accept-invitation", args=[links[0]])
    page = Client().get(path).content.decode()
    assert "Create a password" not in page
    response = Client().post(path, {})
    assert response.status_code == 302
    assert Membership.objects.get(user=world.users["lead_b"], organisation=world.trust_a)


def test_invited_email_already_used_as_a_username_links_that_account(world):
    existing = UserFactory(username="shared@nhs.net", email="other@example.nhs.uk")
    links = []
    invitation_create(
        organisation=world.trust_a,
        email="shared@nhs.net",
        role="board_member",
        user=world.users["lead_a"],
        accept_url_for=lambda token: links.append(token) or token,
    )
    response = Client().post(reverse("accept-invitation", args=[links[0]]), {})
    assert response.status_code == 302
    assert Membership.objects.get(user=existing, organisation=world.trust_a).role == "board_member"


def test_audit_csv_neutralises_formulas_in_every_column(world):
    sneaky = UserFactory(username="=cmd|'/C calc'!A0@x.nhs.uk")
    Membership.objects.create(user=sneaky, organisation=world.trust_a, role="digital_lead")
    post_answer(signed_in(sneaky.username), world, "D1-01", "2")
    text = signed_in("lead_a").get(reverse("audit-csv", args=[world.assessment_a.pk])).content
    assert b"\n=cmd" not in text
    assert b",'=cmd" in text
