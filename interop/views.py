"""Downloads of FHIR resources from the pages: a framework's Questionnaire and an assessment's
QuestionnaireResponse, for anyone who may see them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from access import scoping
from interop.checks import fhir_json
from interop.selectors import assessment_questionnaire_response, framework_questionnaire

FHIR_JSON = "application/fhir+json"


def fhir_download(resource: dict, filename: str) -> HttpResponse:
    response = HttpResponse(fhir_json(resource), content_type=FHIR_JSON)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def framework_questionnaire_download(request: HttpRequest, pk: int) -> HttpResponse:
    framework = get_object_or_404(scoping.frameworks_visible_to(user=request.user), pk=pk)
    name = f"questionnaire-{framework.code}-{framework.version}.json"
    return fhir_download(framework_questionnaire(framework=framework), name)


@login_required
def assessment_response_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        scoping.assessments_visible_to(user=request.user).select_related(
            "organisation", "cycle__framework"
        ),
        pk=pk,
    )
    cycle = assessment.cycle.name.replace("/", "-")
    name = f"questionnaire-response-{assessment.organisation.ods_code}-{cycle}.json"
    return fhir_download(assessment_questionnaire_response(assessment=assessment), name)
