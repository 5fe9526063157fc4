"""URL routes of the assessment journey."""

from django.urls import path

from assessments import views

urlpatterns = [
    path("", views.home, name="home"),
    path("trusts/<str:ods_code>/cycles/<int:cycle_id>/start/", views.start, name="start"),
    path("assessments/", views.assessment_list, name="assessment-list"),
    path("assessments/<int:pk>/", views.task_list, name="task-list"),
    path("assessments/<int:pk>/domains/<str:domain_code>/", views.domain_page, name="domain"),
    path(
        "assessments/<int:pk>/domains/<str:domain_code>/confirm/",
        views.domain_confirm,
        name="domain-confirm",
    ),
    path(
        "assessments/<int:pk>/questions/<str:question_code>/",
        views.question_save,
        name="question-save",
    ),
    path(
        "assessments/<int:pk>/questions/<str:question_code>/evidence/link/",
        views.evidence_link,
        name="evidence-link",
    ),
    path(
        "assessments/<int:pk>/questions/<str:question_code>/evidence/file/",
        views.evidence_file,
        name="evidence-file",
    ),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence-remove"),
    path("assessments/<int:pk>/assign/", views.assign, name="assign"),
    path("assessments/<int:pk>/check/", views.check_answers, name="check-answers"),
    path("assessments/<int:pk>/sign-off/", views.sign_off, name="sign-off"),
    path("assessments/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("assessments/<int:pk>/audit/", views.audit, name="audit"),
    path("assessments/<int:pk>/audit.csv", views.audit_csv, name="audit-csv"),
    path("manage/cycles/", views.cycle_list, name="cycle-list"),
    path("manage/cycles/<int:pk>/extend/", views.cycle_extend, name="cycle-extend"),
]
