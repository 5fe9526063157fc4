"""Personal API tokens: what a script presents instead of a signed-in session."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """A token its owner named, stored only as a hash (``digest``), and always expiring.

    The token itself is shown once, when it is created; after that only its first characters
    (``token_key``) identify it on the tokens page.
    """

    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'Power BI'.")

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="api_token_named"),
            models.CheckConstraint(condition=Q(expiry__isnull=False), name="api_token_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"
