from django.contrib.admin.apps import AdminConfig


class MobilityAdminConfig(AdminConfig):
    """The Django admin with our site class (failed-login limits on its login page)."""

    default_site = "partners.admin_site.MobilityAdminSite"
