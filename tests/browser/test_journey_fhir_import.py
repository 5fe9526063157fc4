"""A lead imports answers from a FHIR QuestionnaireResponse and reads what happened to each."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Response
from frameworks.services import framework_import
from interop.checks import fhir_json
from interop.selectors import assessment_questionnaire_response
from tests.factories import (
    OrganisationFactory,
    answer_all,
    assessment_in,
    barriers_framework_definition,
    member,
    open_cycle,
)

pytestmark = pytest.mark.browser


def test_the_lead_imports_a_response_and_then_a_wrong_one_changes_nothing(
    page: Page, live_server, check_page, sign_in, transactional_db, tmp_path
):
    framework = framework_import(
        definition=barriers_framework_definition(), publish=True, user=None
    ).framework
    source_trust, trust = OrganisationFactory(ods_code="RA1"), OrganisationFactory(ods_code="RB2")
    source = assessment_in(source_trust, open_cycle(framework, name="2025/26"))
    answer_all(source, member(source_trust, "digital_lead", "other"), mandatory_only=False)
    member(trust, "digital_lead", "lead")
    target = assessment_in(trust, open_cycle(framework))
    good = tmp_path / "answers.json"
    good.write_text(fhir_json(assessment_questionnaire_response(assessment=source)))
    resource = json.loads(good.read_text())
    resource["item"][0]["item"][0]["answer"][0]["valueCoding"]["code"] = "9"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(resource))

    sign_in(page, "lead")
    page.goto(f"{live_server.url}/assessments/{target.pk}/")
    page.get_by_role("link", name="Import answers from FHIR").click()
    check_page(page)
    page.locator("input[type=file]").set_input_files(str(wrong))
    page.get_by_role("button", name="Import answers").click()
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    expect(page.locator("#import-report")).to_contain_text("'9' is not an option of D1-01")
    check_page(page)
    assert not Response.objects.filter(assessment=target).exists()

    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Import answers").click()
    expect(page.get_by_role("heading", name="Answers imported")).to_be_visible()
    expect(page.locator("#import-items")).to_contain_text("Saved")
    check_page(page)
    assert Response.objects.filter(assessment=target).count() == source.responses.count()
