from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from api import pages, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("frameworks", views.FrameworkViewSet, basename="api-framework")
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("cycles", views.CycleViewSet, basename="api-cycle")
router.register("assessments", views.AssessmentViewSet, basename="api-assessment")
router.register("benchmark-runs", views.BenchmarkRunViewSet, basename="api-benchmark-run")

urlpatterns = [
    path("account/api-tokens/", pages.api_tokens, name="api-tokens"),
    path(
        "account/api-tokens/<str:key>/revoke/",
        pages.api_token_revoke_page,
        name="api-token-revoke",
    ),
    path("api/v1/", include(router.urls)),
    path(
        "api/v1/assessments/<int:pk>/answers/",
        views.AnswerListView.as_view(),
        name="api-answer-list",
    ),
    path(
        "api/v1/assessments/<int:pk>/answers/<str:code>/",
        views.AnswerView.as_view(),
        name="api-answer",
    ),
    path(
        "api/v1/benchmark-runs/<int:pk>/statistics/",
        views.PeerStatisticsView.as_view(),
        name="api-peer-statistics",
    ),
    path(
        "api/v1/national/<str:dataset>/dictionary/",
        views.NationalDictionaryView.as_view(),
        name="api-national-dictionary",
    ),
    path(
        "api/v1/national/<str:dataset>/csv/",
        views.NationalCsvView.as_view(),
        name="api-national-csv",
    ),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", pages.api_docs, name="api-docs"),
]
