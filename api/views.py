"""The API's endpoints: thin interfaces over the access layer, selectors and services.

Every list starts from ``access.scoping`` and every object is found within it, so a caller meets
404 for what it may not see, exactly as the pages do; writes go through the same services.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from access import policy, scoping
from api import filters
from api.authentication import SafeJSONParser
from api.serializers import (
    AnswerSerializer,
    AnswerWriteSerializer,
    AssessmentDetailSerializer,
    AssessmentSerializer,
    BenchmarkRunSerializer,
    CycleSerializer,
    FrameworkDetailSerializer,
    FrameworkSerializer,
    ImportReportSerializer,
    OrganisationSerializer,
    PeerGroupStatisticSerializer,
    answer_data,
)
from assessments.models import Assessment, Cycle, DomainResult
from assessments.selectors import questions_with_answers
from assessments.services.answers import (
    AnswerInvalidError,
    StaleAnswerError,
    question_for,
    response_save,
)
from interop.selectors import assessment_questionnaire_response, framework_questionnaire
from interop.services import ImportRefusedError, questionnaire_response_import
from interop.views import FHIR_JSON, fhir_download
from organisations.models import IntegratedCareBoard, Organisation, Region, TrustType
from reports.exports import DATASETS, Filters
from reports.models import BenchmarkRun, PeerGroupStatistic
from reports.services.national import national_csv, national_csv_filename

ERROR = inline_serializer("Error", {"detail": serializers.CharField()})


class FhirJsonParser(SafeJSONParser):
    """FHIR's own media type is JSON too."""

    media_type = FHIR_JSON


class FhirJsonRenderer(JSONRenderer):
    """So that a FHIR client's ``Accept: application/fhir+json`` is satisfied."""

    media_type = FHIR_JSON


@extend_schema_view(
    list=extend_schema(summary="Published and retired framework versions"),
    retrieve=extend_schema(summary="A framework version with its whole definition"),
)
class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = filters.FrameworkFilter

    @extend_schema(
        summary="The framework version as a FHIR R4 Questionnaire",
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT, 404: ERROR},
        filters=False,
    )
    @action(
        detail=True,
        url_path="questionnaire",
        filter_backends=[],
        renderer_classes=[JSONRenderer, FhirJsonRenderer],
    )
    def questionnaire(self, request: Request, pk: int) -> HttpResponse:
        framework = self.get_object()
        name = f"questionnaire-{framework.code}-{framework.version}.json"
        return fhir_download(framework_questionnaire(framework=framework), name)

    def get_queryset(self) -> QuerySet:
        return scoping.frameworks_visible_to(user=self.request.user).order_by("code", "version")

    def get_serializer_class(self):
        return FrameworkDetailSerializer if self.action == "retrieve" else FrameworkSerializer


@extend_schema_view(
    list=extend_schema(summary="Organisations you may see"),
    retrieve=extend_schema(summary="An organisation, by ODS code"),
)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    filterset_class = filters.OrganisationFilter
    lookup_field = "ods_code"

    def get_queryset(self) -> QuerySet[Organisation]:
        return (
            scoping.organisations_visible_to(user=self.request.user)
            .select_related("region", "icb")
            .order_by("ods_code")
        )


@extend_schema_view(
    list=extend_schema(summary="Assessment cycles"),
    retrieve=extend_schema(summary="An assessment cycle"),
)
class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CycleSerializer

    def get_queryset(self) -> QuerySet[Cycle]:
        return (
            scoping.cycles_visible_to(user=self.request.user)
            .select_related("framework")
            .order_by("opens_on")
        )


@extend_schema_view(
    list=extend_schema(summary="Assessments you may see, with their overall results"),
    retrieve=extend_schema(summary="An assessment with its results and their explanations"),
)
class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = filters.AssessmentFilter

    def get_queryset(self) -> QuerySet[Assessment]:
        assessments = (
            scoping.assessments_visible_to(user=self.request.user)
            .select_related("organisation", "cycle__framework", "region", "icb")
            .select_related("result__overall_stage")
            .order_by("cycle__opens_on", "organisation__ods_code")
        )
        if self.action == "retrieve":
            domains = DomainResult.objects.select_related(
                "domain", "stage", "provisional_stage"
            ).order_by("domain__order")
            assessments = assessments.prefetch_related(Prefetch("result__domains", domains))
        return assessments

    def get_serializer_class(self):
        return AssessmentDetailSerializer if self.action == "retrieve" else AssessmentSerializer

    @extend_schema(
        methods=["GET"],
        summary="The assessment's answers as a FHIR R4 QuestionnaireResponse",
        responses={(200, FHIR_JSON): OpenApiTypes.OBJECT, 404: ERROR},
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Import a FHIR R4 QuestionnaireResponse: every answer saved, or none",
        description="Each item goes through the same checks, versions and audit trail as a "
        "save on the page. If any item is refused, nothing is saved and the report (400) says "
        "which and why.",
        request={FHIR_JSON: OpenApiTypes.OBJECT, "application/json": OpenApiTypes.OBJECT},
        responses={200: ImportReportSerializer, 400: ImportReportSerializer, 404: ERROR},
        filters=False,
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="questionnaire-response",
        filter_backends=[],
        parser_classes=[FhirJsonParser, SafeJSONParser],
        renderer_classes=[JSONRenderer, FhirJsonRenderer],
    )
    def questionnaire_response(self, request: Request, pk: int) -> HttpResponse:
        assessment = self.get_object()
        if request.method == "GET":
            name = f"questionnaire-response-{assessment.organisation.ods_code}.json"
            return fhir_download(assessment_questionnaire_response(assessment=assessment), name)
        if not isinstance(request.data, dict):
            return Response(
                {"detail": "Send a QuestionnaireResponse as a JSON object."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            report = questionnaire_response_import(
                assessment=assessment, resource=request.data, user=request.user
            )
        except ImportRefusedError as refused:
            return Response(
                ImportReportSerializer(refused.report).data, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(ImportReportSerializer(report).data)


def _visible_assessment(request: Request, pk: int) -> Assessment:
    return get_object_or_404(
        scoping.assessments_visible_to(user=request.user).select_related(
            "cycle__framework", "organisation"
        ),
        pk=pk,
    )


@extend_schema(
    summary="Every question of an assessment with its answer",
    parameters=[OpenApiParameter("domain", OpenApiTypes.STR, description="A domain code, e.g. LG")],
)
class AnswerListView(generics.ListAPIView):
    serializer_class = AnswerSerializer
    filter_backends: list = []

    def get_queryset(self) -> list[dict]:
        assessment = _visible_assessment(self.request, self.kwargs["pk"])
        states = questions_with_answers(assessment=assessment, provenance=False)
        domain = self.request.query_params.get("domain")
        return [
            answer_data(state)
            for state in states
            if not domain or state.question.domain.code == domain
        ]


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the answer you are changing, e.g. "v3" ("v0": not yet answered).',
)
ETAG = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200], description="The version"
)


def etag(version: int) -> str:
    return f'"v{version}"'


def version_of(if_match: str) -> int | None:
    """The version an If-Match names; None when it names none of ours (so it cannot match)."""
    tag = if_match.strip()
    if tag.startswith('"v') and tag.endswith('"') and tag[2:-1].isdigit():
        return int(tag[2:-1])
    return None


class AnswerView(APIView):
    """One answer: read it with its ETag, and change it with that ETag as If-Match."""

    def _state(self, assessment: Assessment, code: str):
        try:
            question = question_for(assessment=assessment, code=code)
        except AnswerInvalidError as error:
            raise NotFound(str(error)) from error
        [state] = questions_with_answers(assessment=assessment, question=question, provenance=False)
        return state

    def _answer(self, state, status_code=status.HTTP_200_OK) -> Response:
        data = answer_data(state)
        return Response(
            AnswerSerializer(data).data, status=status_code, headers={"ETag": etag(data["version"])}
        )

    @extend_schema(
        summary="One answer, with its version as ETag",
        parameters=[ETAG],
        responses={200: AnswerSerializer, 404: ERROR},
    )
    def get(self, request: Request, pk: int, code: str) -> Response:
        return self._answer(self._state(_visible_assessment(request, pk), code))

    @extend_schema(
        summary="Save an answer, as a person saving the question's page would",
        description="Needs If-Match with the answer's current ETag. A stale one is refused with "
        "412 and the answer as it is now; nothing is changed.",
        parameters=[IF_MATCH, ETAG],
        request=AnswerWriteSerializer,
        responses={
            200: AnswerSerializer,
            400: ERROR,
            403: ERROR,
            404: ERROR,
            412: OpenApiResponse(AnswerSerializer, description="Someone saved a newer version"),
            428: OpenApiResponse(ERROR, description="If-Match is missing"),
        },
    )
    def put(self, request: Request, pk: int, code: str) -> Response:
        assessment = _visible_assessment(request, pk)
        state = self._state(assessment, code)
        if_match = request.headers.get("If-Match")
        if not if_match:
            return Response(
                {"detail": "Send If-Match with the answer's ETag (GET it first)."},
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        based_on = version_of(if_match)
        if based_on is None or (state.response is None and based_on != 0):
            return self._answer(state, status.HTTP_412_PRECONDITION_FAILED)
        written = AnswerWriteSerializer(data=request.data)
        written.is_valid(raise_exception=True)
        try:
            response_save(
                assessment=assessment,
                question=state.question,
                answer=written.answer_input(
                    state.question.type, state.response.text_value if state.response else ""
                ),
                comment=written.validated_data.get(
                    "comment", state.response.comment if state.response else ""
                ),
                based_on_version=based_on,
                user=request.user,
            )
        except StaleAnswerError:  # recorded in the audit trail as a refused save, as on the page
            return self._answer(self._state(assessment, code), status.HTTP_412_PRECONDITION_FAILED)
        return self._answer(self._state(assessment, code))


# --- benchmarks ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Benchmark runs (NHS England)"),
    retrieve=extend_schema(summary="A benchmark run"),
)
class BenchmarkRunViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BenchmarkRunSerializer

    def get_queryset(self) -> QuerySet[BenchmarkRun]:
        return (
            scoping.benchmark_runs_visible_to(user=self.request.user)
            .select_related("cycle", "previous_cycle")
            .order_by("-created_at")
        )


@extend_schema(summary="A run's peer-group statistics: one row per group and domain")
class PeerStatisticsView(generics.ListAPIView):
    serializer_class = PeerGroupStatisticSerializer
    filterset_class = filters.PeerGroupStatisticFilter
    queryset = PeerGroupStatistic.objects.none()  # the schema's model; get_queryset scopes

    def get_queryset(self) -> QuerySet[PeerGroupStatistic]:
        run = get_object_or_404(
            scoping.benchmark_runs_visible_to(user=self.request.user), pk=self.kwargs["pk"]
        )
        return run.statistics.order_by("group_type", "group_code", "domain_code")


# --- national downloads --------------------------------------------------------------------------


class NationalFilters(serializers.Serializer):
    cycle = serializers.SlugRelatedField(
        slug_field="name", queryset=Cycle.objects.all(), required=False, help_text="e.g. 2026/27"
    )
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False, help_text="Region code"
    )
    icb = serializers.SlugRelatedField(
        slug_field="code",
        queryset=IntegratedCareBoard.objects.all(),
        required=False,
        help_text="ICB ODS code",
    )
    trust_type = serializers.ChoiceField(choices=TrustType.choices, required=False)

    def filters(self) -> Filters:
        data = self.validated_data
        return Filters(
            cycle_id=data["cycle"].pk if data.get("cycle") else None,
            region_code=data["region"].code if data.get("region") else None,
            icb_code=data["icb"].code if data.get("icb") else None,
            trust_type=data.get("trust_type") or None,
        )


def _national_dataset(request: Request, dataset: str):
    if not policy.can_download_national(request.user):
        raise PermissionDenied("National downloads are for NHS England analysts.")
    if dataset not in DATASETS:
        raise NotFound(f"No dataset {dataset!r}: choose one of {', '.join(DATASETS)}.")
    query = NationalFilters(data=request.query_params)
    query.is_valid(raise_exception=True)
    return DATASETS[dataset], query.filters()


class ColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField(help_text="string, float64, int64, bool or date")
    meaning = serializers.CharField()


DATASET = OpenApiParameter(
    "dataset", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(DATASETS), description="Dataset"
)


@extend_schema(
    summary="A national dataset's data dictionary", parameters=[DATASET, NationalFilters]
)
class NationalDictionaryView(generics.ListAPIView):
    serializer_class = ColumnSerializer
    filter_backends: list = []

    def get_queryset(self) -> list[dict]:
        if getattr(self, "swagger_fake_view", False):  # the schema needs no rows
            return []
        dataset, chosen = _national_dataset(self.request, self.kwargs["dataset"])
        return [
            {"name": column.name, "type": column.kind, "meaning": column.meaning}
            for column in dataset.columns(user=self.request.user, filters=chosen)
        ]


class NationalCsvView(APIView):
    @extend_schema(
        summary="A national dataset as CSV, streamed",
        parameters=[DATASET, NationalFilters],
        responses={(200, "text/csv"): OpenApiTypes.STR, 403: ERROR, 404: ERROR},
    )
    def get(self, request: Request, dataset: str) -> StreamingHttpResponse:
        _, chosen = _national_dataset(request, dataset)
        response = StreamingHttpResponse(
            national_csv(dataset=dataset, filters=chosen, user=request.user),
            content_type="text/csv; charset=utf-8",
        )
        name = national_csv_filename(dataset=dataset, filters=chosen)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
