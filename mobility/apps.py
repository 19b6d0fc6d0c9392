from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilityConfig(AppConfig):
    name = "mobility"
    verbose_name = _("Learners and mobilities")

    def ready(self) -> None:
        from mobility.evaluations import panels as evaluation_panels  # noqa: F401  (panels on the referent's pages)
        from mobility.guests.services.links import email_code_issue, email_link_issue
        from mobility.mobilities import panels  # noqa: F401  (the mobilities a partner hosts, on its page)
        from partners.emails.secrets import register_issuer

        # Personal links and codes are made when their e-mail leaves, never stored.
        register_issuer("link", email_link_issue, shown_as=_("personal link"))
        register_issuer("code", email_code_issue, shown_as="······")
        from mobility.privacy.holders import holder_register
        from mobility.recruitment.privacy import APPLICATIONS
        from mobility.recruitment.services import applying

        # What recruitment keeps about a learner, for the archive and the erasure.
        holder_register(APPLICATIONS)

        register_issuer("applink", applying.email_link_issue, shown_as=_("personal link"))
        register_issuer("appcode", applying.email_code_issue, shown_as="······")
