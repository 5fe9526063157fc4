"""A person makes a token for a script, reads the API documentation, and revokes the token."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from api.models import ApiToken
from tests.factories import OrganisationFactory, member

pytestmark = pytest.mark.browser


def test_a_lead_creates_uses_and_revokes_a_token(
    page: Page, live_server, check_page, sign_in, transactional_db
):
    member(OrganisationFactory(), "digital_lead", "lead")
    sign_in(page, "lead")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    check_page(page)

    page.get_by_role("button", name="Create token").click()  # nothing filled in
    expect(page.get_by_role("link", name="Enter a name for the token")).to_be_visible()
    check_page(page)

    page.get_by_label("Name").fill("Power BI")
    page.get_by_label("90 days").check()
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#token-value").inner_text()
    assert token.startswith("mp_")
    expect(page.get_by_text("Copy your token now: it will not be shown again.")).to_be_visible()
    expect(page.locator("#tokens")).to_contain_text("Power BI")
    check_page(page)

    reply = page.request.get(
        f"{live_server.url}/api/v1/cycles/", headers={"Authorization": f"Token {token}"}
    )
    assert reply.status == 200

    page.get_by_role("link", name="Read the API documentation").click()
    expect(page.get_by_role("heading", name="API documentation", level=1)).to_be_visible()
    check_page(page)

    page.goto(f"{live_server.url}/account/api-tokens/")
    page.get_by_role("link", name="Revoke Power BI").click()
    check_page(page)
    page.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_text("The token ‘Power BI’ has been revoked.")).to_be_visible()
    check_page(page)
    assert not ApiToken.objects.exists()
    refused = page.request.get(
        f"{live_server.url}/api/v1/cycles/", headers={"Authorization": f"Token {token}"}
    )
    assert refused.status == 401
