"""Django's admin finds an app's screens in ``<app>.admin``: each sub-domain's are imported here."""

from mobility.care import admin as care  # noqa: F401
from mobility.catalogue import admin as catalogue  # noqa: F401
from mobility.data import admin as data  # noqa: F401
from mobility.learners import admin as learners  # noqa: F401
from mobility.projects import admin as projects  # noqa: F401
from mobility.quality import admin as quality  # noqa: F401
from mobility.recruitment import admin as recruitment  # noqa: F401
