"""The audit trail in the admin: read-only, like everywhere else."""

from django.contrib import admin

from audit.models import AuditEvent
from maturity_portal.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "assessment", "actor", "action", "subject")
    list_filter = ("action",)
    search_fields = ("assessment__organisation__name", "subject", "actor__username")
    list_select_related = ("assessment__organisation", "assessment__cycle", "actor")
