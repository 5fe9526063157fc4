"""Admin for regions, ICBs, trusts, people's roles and invitations."""

from django.contrib import admin
from django.http import HttpRequest

from maturity_portal.admin import ReadOnlyAdmin
from organisations.models import (
    IntegratedCareBoard,
    Invitation,
    Membership,
    NationalRole,
    Organisation,
    Region,
)
from organisations.services.reference_data import organisation_record_admin_edit


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
    list_display = ("user", "role", "icb")
    list_filter = ("role",)
    list_select_related = ("user", "icb")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "organisation", "role", "created_at", "expires_at", "accepted_at")
    list_select_related = ("organisation",)
    exclude = ("token_hash",)
