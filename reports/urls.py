from django.urls import path

from reports import views

urlpatterns = [
    path("benchmarks/", views.benchmark_list, name="benchmark-list"),
    path("benchmarks/<int:pk>/", views.benchmark_run, name="benchmark-run"),
    path("benchmarks/<int:pk>/progress/", views.benchmark_progress, name="benchmark-progress"),
    path("benchmarks/<int:pk>/retry/", views.benchmark_retry, name="benchmark-retry"),
    path("trusts/<str:ods_code>/benchmark/", views.trust_benchmark, name="trust-benchmark"),
    path(
        "trusts/<str:ods_code>/benchmark/files/",
        views.report_file_start,
        name="report-file-start",
    ),
    path("national/", views.national_downloads, name="national-downloads"),
    path("reports/files/<int:pk>/", views.report_file, name="report-file"),
    path(
        "reports/files/<int:pk>/progress/", views.report_file_progress, name="report-file-progress"
    ),
    path("reports/files/<int:pk>/retry/", views.report_file_retry, name="report-file-retry"),
    path(
        "reports/files/<int:pk>/download/",
        views.report_file_download,
        name="report-file-download",
    ),
]
