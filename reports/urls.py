from django.urls import path

from reports import views

urlpatterns = [
    path("benchmarks/", views.benchmark_list, name="benchmark-list"),
    path("benchmarks/<int:pk>/", views.benchmark_run, name="benchmark-run"),
    path("benchmarks/<int:pk>/progress/", views.benchmark_progress, name="benchmark-progress"),
    path("benchmarks/<int:pk>/retry/", views.benchmark_retry, name="benchmark-retry"),
    path("trusts/<str:ods_code>/benchmark/", views.trust_benchmark, name="trust-benchmark"),
]
