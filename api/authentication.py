"""How a script signs in: knox's personal-token check, made safe on any header."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed, ParseError
from rest_framework.parsers import JSONParser


class PersonalTokenAuthentication(TokenAuthentication):
    """A token that is not text is refused like a wrong one (not a server error), and an expired
    token is refused but kept, so its owner still sees it as expired until they remove it."""

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as error:
            raise AuthenticationFailed("Invalid token.") from error
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token) -> bool:
        return auth_token.expiry is not None and auth_token.expiry < timezone.now()


class SafeJSONParser(JSONParser):
    """JSON nested too deeply to read is refused as malformed, like any other bad JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error: nested too deeply.") from error


class PersonalTokenScheme(KnoxTokenScheme):
    """The schema describes our token check as knox's: ``Authorization: Token <token>``."""

    target_class = "api.authentication.PersonalTokenAuthentication"
