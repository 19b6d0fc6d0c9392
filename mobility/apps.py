from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilityConfig(AppConfig):
    name = "mobility"
    verbose_name = _("Learners and mobilities")

    def ready(self) -> None:
        from partners.emails import register_issuer

        from . import (
            evaluation_panels,  # noqa: F401  (panels on the referent's pages)
            panels,  # noqa: F401  (the mobilities hosted by a partner, on its page)
        )
        from .guests import email_code_issue, email_link_issue

        # Personal links and codes are made when their e-mail leaves, never stored.
        register_issuer("link", email_link_issue, shown_as=_("personal link"))
        register_issuer("code", email_code_issue, shown_as="······")
