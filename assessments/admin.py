"""Admin for organisations, roles, cycles and assessments."""

from django.contrib import admin
from django.http import HttpRequest

from assessments.models import (
    Assessment,
    AssessmentResult,
    Cycle,
    DomainResult,
    IntegratedCareBoard,
    Membership,
    NationalRole,
    Organisation,
    Region,
    Response,
)
from assessments.services.organisations import organisation_record_admin_edit
from assessments.services.scoring import assessment_results_refresh


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(IntegratedCareBoard)
class IntegratedCareBoardAdmin(admin.ModelAdmin):
    list_display = ("code", "gss_code", "name")
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("ods_code", "name", "trust_type", "type_basis", "region", "icb", "active")
    list_filter = ("trust_type", "region", "active")
    search_fields = ("ods_code", "name")
    list_select_related = ("region", "icb")
    readonly_fields = ("type_basis", "icb_set_by_admin")

    def save_model(self, request: HttpRequest, obj: Organisation, form, change: bool) -> None:
        organisation_record_admin_edit(organisation=obj, changed_fields=set(form.changed_data))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "organisation__name", "organisation__ods_code")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("organisation",)


@admin.register(NationalRole)
class NationalRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role")
    list_filter = ("role",)


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("name", "framework", "opens_on", "closes_on")


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("organisation", "cycle", "status", "trust_type", "region", "is_demo")
    list_filter = ("cycle", "status", "is_demo", "trust_type", "region")
    search_fields = ("organisation__name", "organisation__ods_code")
    list_select_related = ("organisation", "cycle", "region")
    readonly_fields = ("created_at",)


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Answers edited here are rescored at once, like answers saved anywhere else."""

    list_display = ("assessment", "question", "version", "updated_by", "updated_at")
    list_filter = ("assessment__cycle",)
    search_fields = ("assessment__organisation__name", "question__code")
    list_select_related = (
        "assessment__organisation",
        "assessment__cycle",
        "question",
        "updated_by",
    )
    raw_id_fields = ("assessment", "question", "option", "selected_options")

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        assessment_results_refresh(assessments=[form.instance.assessment])

    def delete_model(self, request: HttpRequest, obj: Response) -> None:
        assessment = obj.assessment
        super().delete_model(request, obj)
        assessment_results_refresh(assessments=[assessment])


class DomainResultInline(admin.TabularInline):
    model = DomainResult
    extra = 0
    fields = ("domain", "score", "stage", "incomplete", "answered")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AssessmentResult)
class AssessmentResultAdmin(admin.ModelAdmin):
    """Results are computed, never typed in: read-only here."""

    list_display = ("assessment", "overall_score", "overall_stage", "incomplete", "engine_version")
    list_filter = ("assessment__cycle", "incomplete", "engine_version")
    list_select_related = ("assessment__organisation", "assessment__cycle", "overall_stage")
    search_fields = ("assessment__organisation__name", "assessment__organisation__ods_code")
    inlines = (DomainResultInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
