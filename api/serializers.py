"""How the API writes the portal's records as JSON, and reads an answer from JSON.

Serializers only translate: which rows a caller sees is ``access.scoping``'s business, and what
an answer must satisfy is the answer service's.
"""

from __future__ import annotations

from decimal import Decimal

import yaml
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import Assessment, AssessmentResult, Cycle, DomainResult
from assessments.selectors import QuestionState
from assessments.services.answers import AnswerInput
from frameworks.definition import SINGLE_CHOICE_TYPES, TICKED_TYPES
from frameworks.models import Framework
from frameworks.schema import dump_framework
from frameworks.selectors import framework_content
from organisations.models import Organisation
from reports.models import BenchmarkRun, PeerGroupStatistic


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class OrganisationSerializer(serializers.ModelSerializer):
    region = CodeNameSerializer()
    icb = CodeNameSerializer()
    trust_type = serializers.CharField(help_text="acute, acute-specialist, mental-health, …")

    class Meta:
        model = Organisation
        fields = ["ods_code", "name", "trust_type", "region", "icb", "active"]


class FrameworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["id", "code", "version", "name", "description", "status", "published_at"]


class FrameworkDetailSerializer(FrameworkSerializer):
    definition = serializers.SerializerMethodField(
        help_text="The framework in its canonical file format (docs/framework-format.md), as JSON."
    )

    class Meta(FrameworkSerializer.Meta):
        fields = [*FrameworkSerializer.Meta.fields, "definition"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_definition(self, framework: Framework) -> dict:
        document = yaml.safe_load(dump_framework(framework_content(framework=framework).definition))
        return _json_numbers(document)


def _json_numbers(value):
    """Thresholds and bands as JSON numbers, whatever YAML made of them."""
    if isinstance(value, dict):
        return {key: _json_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_numbers(item) for item in value]
    return float(value) if isinstance(value, Decimal) else value


class FrameworkVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Framework
        fields = ["id", "code", "version"]


class CycleSerializer(serializers.ModelSerializer):
    framework = FrameworkVersionSerializer()

    class Meta:
        model = Cycle
        fields = ["id", "name", "framework", "opens_on", "closes_on"]


class TrustSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["ods_code", "name"]


class AssessmentSerializer(serializers.ModelSerializer):
    organisation = TrustSerializer()
    cycle = serializers.CharField(source="cycle.name")
    region = serializers.CharField(source="region.code", help_text="Region ODS code for the cycle")
    icb = serializers.CharField(source="icb.code", help_text="ICB ODS code for the cycle")
    overall_score = serializers.SerializerMethodField()
    overall_stage = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "organisation",
            "cycle",
            "status",
            "trust_type",
            "region",
            "icb",
            "submitted_at",
            "signed_off_at",
            "overall_score",
            "overall_stage",
        ]

    def _result(self, assessment: Assessment) -> AssessmentResult | None:
        return getattr(assessment, "result", None)

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True))
    def get_overall_score(self, assessment: Assessment) -> Decimal | None:
        result = self._result(assessment)
        return result.overall_score if result else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_overall_stage(self, assessment: Assessment) -> str | None:
        result = self._result(assessment)
        return result.overall_stage.name if result and result.overall_stage else None


class DomainResultSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="domain.code")
    name = serializers.CharField(source="domain.name")
    stage = serializers.CharField(source="stage.name", allow_null=True, default=None)
    provisional_stage = serializers.CharField(source="provisional_stage.name")
    explanation = serializers.JSONField(help_text="Why the stage, and what the next one needs.")

    class Meta:
        model = DomainResult
        fields = [
            "code",
            "name",
            "score",
            "stage",
            "provisional_stage",
            "incomplete",
            "answered",
            "explanation",
        ]


class ResultSerializer(serializers.ModelSerializer):
    overall_stage = serializers.CharField(
        source="overall_stage.name", allow_null=True, default=None
    )
    domains = DomainResultSerializer(many=True)
    explanation = serializers.JSONField()
    readiness = serializers.JSONField(help_text="Per technology: ready, or what is not yet met.")
    barriers = serializers.JSONField(help_text="Per domain code: the barrier codes it names.")

    class Meta:
        model = AssessmentResult
        fields = [
            "overall_score",
            "overall_stage",
            "incomplete",
            "explanation",
            "domains",
            "readiness",
            "barriers",
            "engine_version",
            "computed_at",
        ]


class AssessmentDetailSerializer(AssessmentSerializer):
    framework = FrameworkVersionSerializer(source="cycle.framework")
    result = ResultSerializer(allow_null=True, default=None)

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "framework", "result"]


# --- answers -------------------------------------------------------------------------------------


class AnswerSerializer(serializers.Serializer):
    """One question and its answer as saved; ``version`` is 0 until it is first answered."""

    question = serializers.CharField(help_text="The question's code, e.g. LG-01")
    domain = serializers.CharField()
    type = serializers.CharField()
    answered = serializers.BooleanField()
    not_applicable = serializers.BooleanField()
    option = serializers.IntegerField(
        allow_null=True, help_text="Single-choice types: the option's position, 1 = first"
    )
    options = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Multiple choice and barriers: the positions ticked",
    )
    number = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    text = serializers.CharField(allow_blank=True, help_text="Free text, or the barriers described")
    comment = serializers.CharField(allow_blank=True)
    answer = serializers.ListField(
        child=serializers.CharField(), help_text="The answer in words, as the pages show it"
    )
    carried_forward = serializers.BooleanField()
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField(allow_null=True)


def answer_data(state: QuestionState) -> dict:
    """A question's saved answer in the API's shape."""
    question, response = state.question, state.response
    return {
        "question": question.code,
        "domain": question.domain.code,
        "type": question.type,
        "answered": response is not None,
        "not_applicable": bool(response and response.is_not_applicable),
        "option": response.option.order if response and response.option else None,
        "options": [option.order for option in state.selected],
        "number": response.number_value if response else None,
        "text": response.text_value if response else "",
        "comment": response.comment if response else "",
        "answer": state.answer_lines,
        "carried_forward": bool(response and response.carried_forward),
        "version": response.version if response else 0,
        "updated_at": response.updated_at if response else None,
    }


class AnswerWriteSerializer(serializers.Serializer):
    """A new answer: give the field its question's type uses, or ``not_applicable``."""

    not_applicable = serializers.BooleanField(default=False)
    option = serializers.IntegerField(
        required=False, allow_null=True, help_text="Single-choice types: position, 1 = first"
    )
    options = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Multiple choice and barriers: the positions to tick",
    )
    number = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    text = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, trim_whitespace=True
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, trim_whitespace=True
    )

    def answer_input(self, question_type: str, stored_text: str = "") -> AnswerInput:
        """The answer for the service, taking only the field the question's type reads; a
        barriers description left out stays as it was, as a left-out comment does."""
        data = self.validated_data
        if data["not_applicable"]:
            return AnswerInput(not_applicable=True)
        if question_type in SINGLE_CHOICE_TYPES:
            return AnswerInput(option=data.get("option"))
        if question_type in TICKED_TYPES:
            return AnswerInput(
                selected=frozenset(data.get("options") or ()), text=data.get("text", stored_text)
            )
        if question_type in ("percentage", "number"):
            return AnswerInput(number=data.get("number"))
        return AnswerInput(text=data.get("text", ""))


# --- benchmarks ----------------------------------------------------------------------------------


class BenchmarkRunSerializer(serializers.ModelSerializer):
    cycle = serializers.CharField(source="cycle.name")
    previous_cycle = serializers.CharField(
        source="previous_cycle.name", allow_null=True, default=None
    )

    class Meta:
        model = BenchmarkRun
        fields = [
            "id",
            "cycle",
            "previous_cycle",
            "status",
            "progress",
            "trigger",
            "min_peers",
            "assessment_count",
            "created_at",
            "finished_at",
        ]


class PeerGroupStatisticSerializer(serializers.ModelSerializer):
    class Meta:
        model = PeerGroupStatistic
        fields = [
            "group_type",
            "group_code",
            "group_name",
            "domain_code",
            "n",
            "suppressed",
            "mean",
            "p10",
            "lower_quartile",
            "median",
            "upper_quartile",
            "p90",
            "stage_counts",
        ]


class ItemOutcomeSerializer(serializers.Serializer):
    link_id = serializers.CharField(help_text="The item, e.g. LG-01")
    outcome = serializers.ChoiceField(choices=["saved", "unchanged", "accepted", "refused"])
    reason = serializers.CharField(allow_blank=True)


class ImportReportSerializer(serializers.Serializer):
    """What an import did: ``applied`` only when every item was accepted and saved."""

    applied = serializers.BooleanField()
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="What is wrong with the resource as a whole"
    )
    items = ItemOutcomeSerializer(many=True)
