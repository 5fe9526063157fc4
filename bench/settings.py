"""Settings for serving the portal under a bench: the project's own, plus the bench's URLs.

Everything comes from ``maturity_portal.settings`` (and so from the environment), so the pages
measured are the pages shipped. The only additions are a bare view to compare against and a
middleware that counts a request's SQL queries when, and only when, the request asks for it.
"""

from maturity_portal.settings import *  # noqa: F403
from maturity_portal.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# Outermost, so the count includes the session and user lookups of the other middleware.
MIDDLEWARE = ["bench.urls.QueryCountMiddleware", *MIDDLEWARE]
