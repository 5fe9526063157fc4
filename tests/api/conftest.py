"""API tests share the journey tests' world: two trusts with every role, and two cycles."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.services import api_token_create
from tests.assessments.conftest import World, world

__all__ = ["World", "client_for", "world"]


def client_for(user) -> APIClient:
    """A client sending a fresh personal token of ``user``, as a script would."""
    client = APIClient()
    if user is not None:
        _, token = api_token_create(user=user, name="test script", days=7)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def clients(world) -> dict[str, APIClient]:
    return {name: client_for(user) for name, user in world.users.items()}
