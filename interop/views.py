"""FHIR on the pages: a framework's Questionnaire and an assessment's QuestionnaireResponse to
download, for anyone who may see them, and a QuestionnaireResponse to import, for those who may
change the answers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from access import policy, scoping
from interop.checks import fhir_json
from interop.forms import QuestionnaireResponseUploadForm
from interop.selectors import assessment_questionnaire_response, framework_questionnaire
from interop.services import ImportRefusedError, questionnaire_response_import

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


@login_required
@require_http_methods(["GET", "POST"])
def assessment_response_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a QuestionnaireResponse; every answer in it is saved, or none, and a report says
    what happened to each."""
    assessment = get_object_or_404(
        scoping.assessments_visible_to(user=request.user).select_related(
            "organisation", "cycle__framework"
        ),
        pk=pk,
    )
    if not policy.can_import_answers(request.user, assessment):  # before the form is shown
        raise PermissionDenied("You cannot change answers in this self-assessment now.")
    action = reverse("assessment-questionnaire-response-import", args=[assessment.pk])
    form = QuestionnaireResponseUploadForm(
        request.POST or None, request.FILES or None, action=action
    )
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = questionnaire_response_import(
                assessment=assessment, resource=form.cleaned_data["file"], user=request.user
            )
        except ImportRefusedError as refused:
            report = refused.report
    return render(
        request, "interop/import.html", {"assessment": assessment, "form": form, "report": report}
    )
