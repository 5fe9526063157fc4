"""A framework version and an assessment as FHIR resources, read in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Max

from assessments.models import Assessment, AssessmentStatus, Response
from frameworks.models import Framework
from frameworks.selectors import framework_content
from interop.fhir import StoredAnswer, questionnaire, questionnaire_response


def framework_questionnaire(*, framework: Framework) -> dict:
    return questionnaire(
        framework_content(framework=framework).definition,
        status=framework.status,
        base=settings.FHIR_BASE_URL,
    )


def stored_answers(*, assessment: Assessment) -> dict[str, StoredAnswer]:
    """Every saved answer of the assessment by question code, options by position: 2 queries."""
    selected: dict[int, list[int]] = defaultdict(list)
    for response_id, order in Response.selected_options.through.objects.filter(
        response__assessment=assessment
    ).values_list("response_id", "answeroption__order"):
        selected[response_id].append(order)
    rows = Response.objects.filter(assessment=assessment).values_list(
        "pk",
        "question__code",
        "option__order",
        "number_value",
        "text_value",
        "is_not_applicable",
        "comment",
    )
    return {
        code: StoredAnswer(
            option=option,
            selected=tuple(sorted(selected.get(pk, ()))),
            number=number,
            text=text,
            not_applicable=not_applicable,
            comment=comment,
        )
        for pk, code, option, number, text, not_applicable, comment in rows
    }


def assessment_questionnaire_response(*, assessment: Assessment) -> dict:
    """The assessment's answers as a QuestionnaireResponse about its trust."""
    content = framework_content(framework=assessment.cycle.framework)
    last_saved = assessment.responses.aggregate(last=Max("updated_at"))["last"]
    authored = assessment.submitted_at or last_saved
    return questionnaire_response(
        content.definition,
        stored_answers(assessment=assessment),
        base=settings.FHIR_BASE_URL,
        ods_code=assessment.organisation.ods_code,
        organisation_name=assessment.organisation.name,
        completed=assessment.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.SIGNED_OFF),
        authored=authored.isoformat() if authored else None,
        response_id=f"assessment-{assessment.pk}",
    )
