"""URL routes of the assessment journey."""

from django.urls import path

from assessments import views

urlpatterns = [
    path("", views.home, name="home"),
    path("trusts/<str:ods_code>/cycles/<int:cycle_id>/start/", views.start, name="start"),
    path("trusts/<str:ods_code>/invite/", views.invite, name="invite"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept-invitation"),
    path("assessments/<int:pk>/", views.task_list, name="task-list"),
    path("assessments/<int:pk>/domains/<str:domain_code>/", views.domain_page, name="domain"),
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
]
