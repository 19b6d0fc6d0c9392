"""Django's admin finds an app's screens in ``<app>.admin``: each sub-domain's are imported here."""

from partners.accounts import admin as accounts  # noqa: F401
from partners.agreements import admin as agreements  # noqa: F401
from partners.audit import admin as audit  # noqa: F401
from partners.broker import admin as broker  # noqa: F401
from partners.directory import admin as directory  # noqa: F401
from partners.emails import admin as emails  # noqa: F401
from partners.quality import admin as quality  # noqa: F401
