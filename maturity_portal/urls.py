"""URL routes of the portal."""

from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from django.views.generic import TemplateView

from maturity_portal import views

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", LogoutView.as_view(), name="logout"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("health/", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("", include("frameworks.urls")),
    path("", include("organisations.urls")),
    path("", include("assessments.urls")),
    path("", include("reports.urls")),
    path("", include("dashboards.urls")),
    path("", include("api.urls")),
    path("", include("interop.urls")),
]
