"""The importer of each import kind, and the codes an import may refer to."""

from __future__ import annotations

from typing import Any

from mobility.data.imports.base import Importer
from mobility.data.imports.learners import LearnerImporter
from mobility.data.imports.mobilities import MobilityImporter
from mobility.data.imports.organisations import OrganisationImporter
from mobility.data.imports.parsing import Table
from mobility.learners.models import Qualification
from partners.directory.models import Organisation

IMPORTERS: dict[str, type[Importer]] = {
    "learners": LearnerImporter,
    "organisations": OrganisationImporter,
    "mobilities": MobilityImporter,
}


def importer_for(kind: str, *, centre: Organisation, user: Any, table: Table) -> Importer:
    return IMPORTERS[kind](centre=centre, user=user, table=table)


def qualification_codes(user: Any) -> list[Qualification]:
    from mobility.learners.selectors import qualification_list_for_user

    return list(qualification_list_for_user(user=user))
