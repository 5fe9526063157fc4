"""Answers through the API: optimistic locking over HTTP, and a save just like a page save."""

from __future__ import annotations

import pytest

from assessments.models import AssessmentResult, Response
from audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def url(world, code="D1-01") -> str:
    return f"/api/v1/assessments/{world.assessment_a.pk}/answers/{code}/"


def put(client, address, body, if_match=None):
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    return client.put(address, body, format="json", **headers)


def test_an_answer_is_read_with_its_version_as_etag(world, clients):
    response = clients["lead_a"].get(url(world))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"v0"'
    body = response.json()
    assert body["question"] == "D1-01" and body["version"] == 0 and not body["answered"]
    assert body["answer"] == ["Not answered"]


def test_the_right_if_match_saves_rescores_and_is_audited_like_a_page_save(world, clients):
    api = clients["lead_a"]
    saved = put(api, url(world), {"option": 3, "comment": "Board minutes"}, '"v0"')
    assert saved.status_code == 200, saved.content
    assert saved.headers["ETag"] == '"v1"'
    assert saved.json()["option"] == 3 and saved.json()["comment"] == "Board minutes"
    response = Response.objects.get(assessment=world.assessment_a, question__code="D1-01")
    assert (response.option.order, response.version, response.updated_by) == (
        3,
        1,
        world.users["lead_a"],
    )
    result = AssessmentResult.objects.get(assessment=world.assessment_a)
    assert result.domains.get(domain__code="D1").answered == 1
    changed = AuditEvent.objects.get(action=AuditAction.ANSWER_CHANGED, subject="D1-01")
    assert changed.actor == world.users["lead_a"]
    again = put(api, url(world), {"option": 4}, saved.headers["ETag"])
    assert again.status_code == 200 and again.headers["ETag"] == '"v2"'


def test_a_stale_if_match_gets_412_with_the_current_answer_and_changes_nothing(world, clients):
    lead, contributor = clients["lead_a"], clients["contributor_a"]
    first = put(contributor, url(world), {"option": 2}, '"v0"')
    assert first.status_code == 200
    before = list(Response.objects.values_list("version", "option_id", "comment"))
    events = AuditEvent.objects.count()
    stale = put(lead, url(world), {"option": 4, "comment": "Mine"}, '"v0"')
    assert stale.status_code == 412
    assert stale.headers["ETag"] == '"v1"'
    assert stale.json()["option"] == 2 and stale.json()["version"] == 1
    assert list(Response.objects.values_list("version", "option_id", "comment")) == before
    # As on the page, the refused save is recorded, and nothing else.
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("pk").action == AuditAction.SAVE_REFUSED
    for nonsense in ("*", "v1", '"1"', 'W/"v1"'):
        assert put(lead, url(world), {"option": 4}, nonsense).status_code == 412


def test_without_if_match_the_api_answers_428_and_changes_nothing(world, clients):
    response = put(clients["lead_a"], url(world), {"option": 2})
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("code", "body", "message"),
    [
        ("D1-01", {"option": 9}, "Select one of the answers shown for D1-01"),
        ("D1-01", {}, "Select one of the answers shown for D1-01"),
        ("D1-PC", {"number": 140}, "Enter a percentage between 0 and 100 for D1-PC"),
        ("D1-MC", {"options": [1, 3]}, "Select 'None of these' on its own for D1-MC"),
        ("D1-01", {"not_applicable": True}, "D1-01 cannot be answered 'Not applicable'"),
        ("D1-01", {"option": "two"}, "A valid integer is required."),
    ],
)
def test_a_bad_answer_gets_400_saying_why_and_nothing_is_saved(world, clients, code, body, message):
    response = put(clients["lead_a"], url(world, code), body, '"v0"')
    assert response.status_code == 400
    assert message in str(response.json())
    assert not Response.objects.exists()


def test_an_unknown_question_is_404(world, clients):
    assert clients["lead_a"].get(url(world, "ZZ-99")).status_code == 404
    assert put(clients["lead_a"], url(world, "ZZ-99"), {"option": 1}, '"v0"').status_code == 404


def test_the_answer_list_filters_by_domain_and_pages(world, clients):
    api = clients["lead_a"]
    everything = api.get(f"/api/v1/assessments/{world.assessment_a.pk}/answers/").json()
    assert everything["count"] == world.framework.questions.count()
    d2 = api.get(f"/api/v1/assessments/{world.assessment_a.pk}/answers/?domain=D2").json()
    assert {row["domain"] for row in d2["results"]} == {"D2"}
    page = api.get(f"/api/v1/assessments/{world.assessment_a.pk}/answers/?page_size=2").json()
    assert len(page["results"]) == 2 and page["next"]
