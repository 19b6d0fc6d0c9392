from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilityConfig(AppConfig):
    name = "mobility"
    verbose_name = _("Learners and mobilities")

    def ready(self) -> None:
        from mobility.care import api as care_api  # noqa: F401  (/api/v1/abroad-now/)
        from mobility.care import panels as care_panels  # noqa: F401  (incidents on the mobility's page)
        from mobility.care import reporting as care_reporting  # noqa: F401  (counts in the activity report)
        from mobility.care import sheet as care_sheet  # noqa: F401  (the emergency sheet, an export job)
        from mobility.care.privacy import QUALITY_AND_CARE
        from mobility.data.erasmus import erasmus_values_register
        from mobility.evaluations import panels as evaluation_panels  # noqa: F401  (panels on the referent's pages)
        from mobility.funding import panels as funding_panels  # noqa: F401  (the grant on a mobility's page)
        from mobility.funding import reporting as funding_reporting  # noqa: F401  (budgets in the report)
        from mobility.funding.privacy import FUNDING
        from mobility.funding.selectors import bm_grant_columns
        from mobility.guests.services.links import email_code_issue, email_link_issue
        from mobility.mobilities import panels  # noqa: F401  (the mobilities a partner hosts, on its page)
        from mobility.privacy.holders import holder_register
        from mobility.quality import panels as quality_panels  # noqa: F401  (end-of-stay reports)
        from mobility.quality import reporting as quality_reporting  # noqa: F401  (in the activity report)
        from mobility.recruitment import panels as recruitment_panels  # noqa: F401  (open calls, learner space)
        from mobility.recruitment import pdf as recruitment_pdf  # noqa: F401  (the selection report, an export job)
        from mobility.recruitment.privacy import APPLICATIONS
        from mobility.recruitment.services import applying
        from mobility.site import checks  # noqa: F401  (check --deploy: SITE_URL)
        from partners.emails.secrets import register_issuer

        erasmus_values_register(bm_grant_columns)  # the frozen grant's columns in the Erasmus+ file
        holder_register(FUNDING)  # the grant's signers and scans, in the archive and the erasure
        # Personal links and codes are made when their e-mail leaves, never stored.
        register_issuer("link", email_link_issue, shown_as=_("personal link"))
        register_issuer("code", email_code_issue, shown_as="······")
        # Incidents and end-of-stay answers in a learner's archive and erasure.
        holder_register(QUALITY_AND_CARE)
        # What recruitment keeps about a learner, for the archive and the erasure; its links and codes.
        holder_register(APPLICATIONS)
        register_issuer("applink", applying.email_link_issue, shown_as=_("personal link"))
        register_issuer("appcode", applying.email_code_issue, shown_as="······")
