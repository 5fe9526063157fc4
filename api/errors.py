"""The API's answer to a refused request: always JSON with a ``detail`` that says why."""

from __future__ import annotations

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from assessments.services.answers import AnswerInvalidError


def exception_handler(exc, context) -> Response | None:
    """DRF's handler, plus the services' own refusals of bad input as 400s."""
    if isinstance(exc, AnswerInvalidError):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
