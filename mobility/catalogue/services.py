"""Installs (and brings up to date) the seeded catalogue rows; a network's own rows are never touched."""

from __future__ import annotations

from typing import Any

from mobility.catalogue.activity_types import ACTIVITY_TYPES
from mobility.catalogue.checklists import CHECKLISTS
from mobility.catalogue.document_types import DOCUMENT_TYPES


def install(apps: Any = None) -> None:
    """Creates the missing catalogue rows (works with historical models inside a migration)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    DocumentType = apps.get_model("mobility", "DocumentType")
    ActivityType = apps.get_model("mobility", "ActivityType")
    ChecklistTemplateItem = apps.get_model("mobility", "ChecklistTemplateItem")

    doc_types = {}
    for row in DOCUMENT_TYPES:
        obj, _ = DocumentType.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["names"]["en"],
                "name_translations": row["names"],
                "order": row["order"],
                "required_for_minors_only": row.get("minors", False),
                "retention_days": row.get("retention"),
            },
        )
        doc_types[row["code"]] = obj

    activity_fields = {field.name for field in ActivityType._meta.get_fields()}
    for row in ACTIVITY_TYPES:
        activity, created = ActivityType.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["names"]["en"],
                "name_translations": row["names"],
                "participant_kind": row["kind"],
                "min_days": row["min"],
                "max_days": row["max"],
                "is_erasmus": row.get("erasmus", True),
                "erasmus_code": row.get("erasmus_code", ""),
                "long_term_from_days": row.get("long_term"),
                "followup_every_days": row.get("followup"),
                "guidance": row["guidance"],
                "order": row["order"],
                # fields added later: only where the (historical) model already has them
                **{
                    name: row[name]
                    for name in ("credential_activity_type",)
                    if name in row and name in activity_fields
                },
            },
        )
        if not created:
            # a seeded row made before a field existed gets that field's seeded value, once
            missing = {
                name: row[name]
                for name in ("credential_activity_type",)
                if name in row and name in activity_fields and not getattr(activity, name)
            }
            if missing and activity.network_id is None:
                ActivityType.objects.filter(pk=activity.pk).update(**missing)
            continue
        activity.required_documents.set([doc_types[c] for c in row["docs"]])
        ChecklistTemplateItem.objects.bulk_create(
            [
                ChecklistTemplateItem(
                    activity_type=activity,
                    step=step,
                    days=days,
                    anchor=anchor,
                    assignee=assignee,
                    document_type=doc_types.get(doc) if doc else None,
                    name=names["en"],
                    name_translations=names,
                    order=index,
                )
                for index, (step, days, anchor, assignee, doc, names) in enumerate(
                    CHECKLISTS[row["checklist"]]
                )
            ]
        )
