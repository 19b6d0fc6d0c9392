from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    default = True  # the admin's config below is chosen in INSTALLED_APPS by its path
    name = "partners"
    verbose_name = _("Partners and access")

    def ready(self) -> None:
        from partners import text_limits
        from partners.accounts import signals  # noqa: F401  (dashboard panels; login audit and lockout counters)
        from partners.accounts.services import invitation_email_issue
        from partners.agreements import panels as dashboard  # noqa: F401  (dashboard panels; login audit and lockout counters)
        from partners.emails.secrets import register_issuer
        from partners.quality import panels as quality  # noqa: F401  (labels ending soon, on the dashboard)

        text_limits.connect()  # every free text typed has a ceiling, whatever the path

        # An invitation's token is made when its e-mail leaves, never stored.
        register_issuer("invitation", invitation_email_issue, shown_as=_("personal link"))


class MobilityAdminConfig(admin_apps.AdminConfig):
    """The Django admin with our site class (failed-login limits on its login page)."""

    default = False
    default_site = "partners.accounts.admin_site.MobilityAdminSite"
