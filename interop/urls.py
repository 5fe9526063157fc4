from django.urls import path

from interop import views

urlpatterns = [
    path(
        "frameworks/<int:pk>/questionnaire.json",
        views.framework_questionnaire_download,
        name="framework-questionnaire",
    ),
    path(
        "assessments/<int:pk>/questionnaire-response.json",
        views.assessment_response_download,
        name="assessment-questionnaire-response",
    ),
    path(
        "assessments/<int:pk>/import-fhir/",
        views.assessment_response_import,
        name="assessment-questionnaire-response-import",
    ),
]
