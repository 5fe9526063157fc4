"""The portal's URLs plus what a bench needs beside them: a bare view and a query count.

``/bench/bare/`` goes through the same middleware and worker as every page but does no work of
its own, so its throughput is the ceiling a page's throughput is compared with in the same run.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from bench.http_load import BARE_PATH, COUNT_QUERIES_HEADER, QUERIES_HEADER


def bare(request: HttpRequest) -> HttpResponse:
    """No database, no template: what serving any request costs."""
    return HttpResponse(b"ok", content_type="text/plain")


class QueryCountMiddleware:
    """Reports the request's SQL query count in a header, only when asked.

    Requests under load do not ask, so what they measure is one header lookup away from the
    shipped stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if COUNT_QUERIES_HEADER not in request.headers:
            return self.get_response(request)
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response[QUERIES_HEADER] = str(count)
        return response


urlpatterns = [
    path(BARE_PATH.removeprefix("/"), bare, name="bench-bare"),
    path("", include("maturity_portal.urls")),
]
