"""The Django admin site: a superuser's tool only, behind the access policy.

Framework admins run cycles and frameworks from the portal's own pages, where every action goes
through a service that checks the policy and is audited; the admin is for superusers who keep
reference data and roles.
"""

from django.contrib import admin
from django.http import HttpRequest

from access import policy


class PortalAdminSite(admin.AdminSite):
    site_header = "Digital maturity portal administration"
    site_title = "Digital maturity portal"

    def has_permission(self, request: HttpRequest) -> bool:
        return policy.can_use_django_admin(request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Changes go through the portal's services, which check, audit and rescore them."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
