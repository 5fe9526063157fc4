"""Admin for organisations, roles, cycles and assessments."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from assessments.models import (
    Assessment,
    AssessmentResult,
    AuditEvent,
    Cycle,
    DomainAssignment,
    DomainResult,
    Evidence,
    IntegratedCareBoard,
    Invitation,
    Membership,
    NationalRole,
    Organisation,
    Region,
    Response,
)
from assessments.services.organisations import organisation_record_admin_edit
from assessments.services.workflow import WorkflowError, cycle_create, cycle_extend
from frameworks.models import Framework, FrameworkStatus


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
    """Cycles use published frameworks; a cycle's framework never changes once created."""

    list_display = ("name", "framework", "opens_on", "closes_on")

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ("framework",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "framework":
            kwargs["queryset"] = Framework.objects.filter(status=FrameworkStatus.PUBLISHED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Cycle, form, change: bool) -> None:
        try:
            if change and form.changed_data == ["closes_on"]:
                stored = Cycle.objects.get(pk=obj.pk)
                cycle_extend(cycle=stored, closes_on=obj.closes_on, user=request.user)
            elif not change:
                cycle_create(
                    name=obj.name,
                    framework=obj.framework,
                    opens_on=obj.opens_on,
                    closes_on=obj.closes_on,
                )
            else:
                super().save_model(request, obj, form, change)
        except (WorkflowError, PermissionDenied) as error:
            self.message_user(request, str(error), level=messages.ERROR)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Changes go through the portal's services, which check, audit and rescore them."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "cycle", "status", "trust_type", "region", "is_demo")
    list_filter = ("cycle", "status", "is_demo", "trust_type", "region")
    search_fields = ("organisation__name", "organisation__ods_code")
    list_select_related = ("organisation", "cycle", "region")


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "question", "version", "carried_forward", "updated_by")
    list_filter = ("assessment__cycle", "carried_forward")
    search_fields = ("assessment__organisation__name", "question__code")
    list_select_related = (
        "assessment__organisation",
        "assessment__cycle",
        "question",
        "updated_by",
    )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "assessment", "actor", "action", "subject")
    list_filter = ("action",)
    search_fields = ("assessment__organisation__name", "subject", "actor__username")
    list_select_related = ("assessment__organisation", "assessment__cycle", "actor")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "question", "kind", "original_name", "url", "added_at")
    list_select_related = ("assessment__organisation", "assessment__cycle", "question")
    exclude = ("file",)


@admin.register(DomainAssignment)
class DomainAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "domain", "assignee", "assigned_at")
    list_select_related = ("assessment__organisation", "assessment__cycle", "domain", "assignee")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "organisation", "role", "created_at", "expires_at", "accepted_at")
    list_select_related = ("organisation",)
    exclude = ("token_hash",)


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
