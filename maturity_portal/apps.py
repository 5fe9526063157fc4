from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """The Django admin, with a site that asks the access policy who may use it."""

    default_site = "maturity_portal.admin.PortalAdminSite"
