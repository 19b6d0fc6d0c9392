"""The participants' satisfaction in the activity report: answers, average overall rating and share who
would recommend the host, by host country, activity type and centre (counts only, nobody named)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries

from mobility.catalogue.models import ActivityType
from mobility.data import report_parts
from mobility.data.reports import Table, _decimal, _percent
from mobility.quality.models import ReportAnswer
from partners.directory.models import Organisation


def _rows(groups: dict[Any, dict[str, list]], label: Any) -> list[list[Any]]:
    rows = []
    for key, values in sorted(groups.items(), key=lambda kv: -len(kv[1]["reports"])):
        overall, recommend = values["overall"], values["recommend"]
        rows.append([
            label(key),
            len(values["reports"]),
            _decimal(sum(overall) / len(overall)) if overall else "–",
            _percent(sum(1 for r in recommend if r), len(recommend)),
        ])  # fmt: skip
    return rows


@report_parts.register
def satisfaction_tables(mobility_ids: list[int]) -> list[Table]:
    answers = ReportAnswer.objects.filter(
        report__mobility_id__in=mobility_ids,
        report__answered_at__isnull=False,
        question__code__in=("overall", "recommend"),
        question__network__isnull=True,
    ).values(
        "report_id",
        "question__code",
        "rating",
        "yes_no",
        "report__mobility__host_country",
        "report__mobility__activity_type_id",
        "report__mobility__centre_id",
    )
    dimensions = {
        "country": "report__mobility__host_country",
        "activity": "report__mobility__activity_type_id",
        "centre": "report__mobility__centre_id",
    }
    groups: dict[str, dict[Any, dict[str, list]]] = {
        d: defaultdict(lambda: {"reports": [], "overall": [], "recommend": []}) for d in dimensions
    }
    for a in answers:
        for dimension, field in dimensions.items():
            bucket = groups[dimension][a[field]]
            if a["report_id"] not in bucket["reports"]:
                bucket["reports"].append(a["report_id"])
            if a["question__code"] == "overall" and a["rating"]:
                bucket["overall"].append(a["rating"])
            if a["question__code"] == "recommend" and a["yes_no"] is not None:
                bucket["recommend"].append(a["yes_no"])
    activities = {a.pk: a.label for a in ActivityType.objects.filter(pk__in=list(groups["activity"]))}
    centres = {o.pk: o.display_name for o in Organisation.objects.filter(pk__in=list(groups["centre"]))}
    columns = [_("Answers"), _("Overall rating (1 to 5)"), _("Would recommend the host")]
    note = _("From the participants' end-of-stay reports answered.")
    return [
        Table("participants_by_country", _("Participants' satisfaction by host country"),
              [_("Host country"), *columns],
              _rows(groups["country"], lambda c: str(countries.name(c)) if c else _("not recorded")), note=note),
        Table("participants_by_activity", _("Participants' satisfaction by activity"),
              [_("Activity"), *columns], _rows(groups["activity"], lambda k: activities.get(k, "")), note=note),
        Table("participants_by_centre", _("Participants' satisfaction by centre"),
              [_("Centre"), *columns], _rows(groups["centre"], lambda k: centres.get(k, "")), note=note),
    ]  # fmt: skip
