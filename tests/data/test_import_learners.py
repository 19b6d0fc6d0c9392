"""Importing learners: previews, errors naming row and column, idempotence, all or nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mobility.data.imports import services
from mobility.data.models import ImportStatus
from mobility.learners.models import Learner
from partners.audit.models import AuditEntry
from partners.directory.models import Organisation, OrganisationKind

from .. import factories
from .conftest import csv_upload, xlsx_upload

pytestmark = pytest.mark.django_db

HEADER = (
    "INE;Nom;Prénom;Date de naissance;Courriel;Sexe;Nationalité;Responsable légal;Mail responsable légal\n"
)
ROWS = (
    "071234567AB;Martin;Léa;17/05/2004;lea.martin@apprentis.example;F;France;;\n"
    "071234567AC;Durand;Tom;2003-01-02;tom.durand@apprentis.example;M;FR;;\n"
    "071234567AD;Nguyen;Linh;03.11.2002;linh.nguyen@apprentis.example;F;Vietnam;;\n"
)


def _import(centre, user, text, **kwargs):
    batch = services.import_batch_create(
        centre=centre, kind="learners", upload=csv_upload(text, **kwargs), acting_user=user
    )
    return batch


def _errors(batch):
    return [(r["row"], e["column"], e["message"]) for r in batch.report["rows"] for e in r.get("errors", [])]


def test_preview_writes_nothing_and_says_what_each_row_would_do(centre_a, referent_a, media):
    batch = _import(centre_a, referent_a, HEADER + ROWS)
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.counts == {"new": 3, "updated": 0, "unchanged": 0, "error": 0}
    assert [r["outcome"] for r in batch.report["rows"]] == ["new", "new", "new"]
    assert Learner.objects.count() == 0


def test_confirm_imports_the_rows_with_one_audit_entry(centre_a, referent_a, media):
    batch = services.import_batch_confirm(
        batch=_import(centre_a, referent_a, HEADER + ROWS), acting_user=referent_a
    )
    assert batch.status == ImportStatus.DONE
    lea = Learner.objects.get(national_id="071234567AB")
    assert (lea.first_name, lea.date_of_birth, lea.sex, lea.nationality.code) == (
        "Léa",
        datetime.date(2004, 5, 17),
        "F",
        "FR",
    )
    assert lea.centre == centre_a
    entries = AuditEntry.objects.filter(action="data.import")
    assert entries.count() == 1
    assert entries[0].data["created"] == 3 and entries[0].data["rows"] == 3
    assert "Léa" not in str(entries[0].data)


def test_dates_in_three_formats_are_all_read(centre_a, referent_a, media):
    services.import_batch_confirm(batch=_import(centre_a, referent_a, HEADER + ROWS), acting_user=referent_a)
    assert sorted(Learner.objects.values_list("date_of_birth", flat=True)) == [
        datetime.date(2002, 11, 3),
        datetime.date(2003, 1, 2),
        datetime.date(2004, 5, 17),
    ]


def test_reimporting_the_same_file_changes_nothing(centre_a, referent_a, media):
    services.import_batch_confirm(batch=_import(centre_a, referent_a, HEADER + ROWS), acting_user=referent_a)
    stamps = dict(Learner.objects.values_list("pk", "updated_at"))
    again = _import(centre_a, referent_a, HEADER + ROWS)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 3, "error": 0}
    services.import_batch_confirm(batch=again, acting_user=referent_a)
    assert Learner.objects.count() == 3
    assert dict(Learner.objects.values_list("pk", "updated_at")) == stamps


def test_a_changed_cell_updates_only_that_learner(centre_a, referent_a, media):
    services.import_batch_confirm(batch=_import(centre_a, referent_a, HEADER + ROWS), acting_user=referent_a)
    changed = ROWS.replace("tom.durand@apprentis.example", "tom.d@apprentis.example")
    batch = _import(centre_a, referent_a, HEADER + changed)
    assert batch.counts["updated"] == 1 and batch.counts["unchanged"] == 2
    assert batch.report["rows"][1]["changes"] == ["E-mail"]
    services.import_batch_confirm(batch=batch, acting_user=referent_a)
    assert Learner.objects.get(national_id="071234567AC").email == "tom.d@apprentis.example"


def test_a_learner_without_national_id_is_found_again_by_email(centre_a, referent_a, media):
    learner = factories.LearnerFactory(
        centre=centre_a, national_id="", email="zoe@apprentis.example", first_name="Zoé"
    )
    batch = _import(
        centre_a,
        referent_a,
        "Nom;Prénom;Courriel;Téléphone\nBlanc;Zoé;ZOE@apprentis.example;06 11 22 33 44\n",
    )
    assert batch.counts["updated"] == 1
    services.import_batch_confirm(batch=batch, acting_user=referent_a)
    learner.refresh_from_db()
    assert learner.phone == "06 11 22 33 44" and Learner.objects.count() == 1


def test_an_error_names_the_row_and_the_column(centre_a, referent_a, media):
    text = HEADER + ROWS.replace("03.11.2002", "31/02/2002")
    batch = _import(centre_a, referent_a, text)
    assert batch.counts["error"] == 1
    ((row, column, message),) = _errors(batch)
    assert row == 4
    assert column == "column D “Date de naissance”"
    assert "31/02/2002" in message


def test_an_unknown_country_gets_a_precise_message(centre_a, referent_a, media):
    batch = _import(centre_a, referent_a, HEADER + ROWS.replace("Vietnam", "Atlantide"))
    ((row, column, message),) = _errors(batch)
    assert (row, column) == (4, "column G “Nationalité”")
    assert "Atlantide" in message


def test_a_minor_without_guardian_fails_with_the_model_rule(centre_a, referent_a, media):
    minor = HEADER + "071234567AE;Petit;Jules;01/09/2012;jules@apprentis.example;M;FR;;\n"
    ((row, column, message),) = _errors(_import(centre_a, referent_a, minor))
    assert row == 2 and "Responsable légal" in column and "guardian" in message


def test_duplicate_rows_in_one_file_are_reported_not_dropped(centre_a, referent_a, media):
    text = HEADER + ROWS + ROWS.splitlines(keepends=True)[0]
    batch = _import(centre_a, referent_a, text)
    assert batch.counts == {"new": 3, "updated": 0, "unchanged": 0, "error": 1}
    ((row, column, message),) = _errors(batch)
    assert row == 5 and column == "column A “INE”" and "row 2" in message


def test_unknown_columns_are_named_and_ignored(centre_a, referent_a, media):
    batch = _import(centre_a, referent_a, "Nom;Prénom;INE;Pointure\nMartin;Léa;071234567AB;38\n")
    assert batch.counts["new"] == 1
    assert "column D “Pointure”" in batch.report["file_warnings"][0]


def test_a_missing_required_column_stops_the_file(centre_a, referent_a, media):
    batch = _import(centre_a, referent_a, "Nom;INE\nMartin;071234567AB\n")
    assert batch.report["file_errors"] == ["The required column “First name(s)” is missing."]
    assert not batch.can_confirm
    with pytest.raises(ValidationError):
        services.import_batch_confirm(batch=batch, acting_user=referent_a)


def test_a_file_without_any_identifying_column_stops(centre_a, referent_a, media):
    batch = _import(centre_a, referent_a, "Nom;Prénom\nMartin;Léa\n")
    assert "National learner id" in batch.report["file_errors"][0]


def test_rows_in_error_block_the_import_unless_the_user_leaves_them_out(centre_a, referent_a, media):
    batch = _import(centre_a, referent_a, HEADER + ROWS.replace("Vietnam", "Atlantide"))
    with pytest.raises(ValidationError):
        services.import_batch_confirm(batch=batch, acting_user=referent_a)
    assert Learner.objects.count() == 0
    batch = services.import_batch_confirm(batch=batch, acting_user=referent_a, skip_errors=True)
    assert batch.status == ImportStatus.DONE
    assert Learner.objects.count() == 2
    assert AuditEntry.objects.get(action="data.import").data["skipped"] == 1


def test_a_failure_halfway_leaves_the_database_as_it_was(centre_a, referent_a, media, monkeypatch):
    factories.LearnerFactory(centre=centre_a, national_id="071234567AC", email="old@apprentis.example")
    batch = _import(centre_a, referent_a, HEADER + ROWS)
    assert batch.counts == {"new": 2, "updated": 1, "unchanged": 0, "error": 0}

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # The new learners are written first, then the update fails.
    monkeypatch.setattr(Learner.objects, "bulk_update", broken)
    batch = services.import_batch_confirm(batch=batch, acting_user=referent_a)
    assert batch.status == ImportStatus.FAILED
    assert "nothing was written" in batch.error
    assert list(Learner.objects.values_list("national_id", "email")) == [
        ("071234567AC", "old@apprentis.example")
    ]
    assert AuditEntry.objects.filter(action="data.import_failed").count() == 1


def test_rows_that_broke_since_the_preview_send_the_user_back_to_a_new_preview(centre_a, referent_a, media):
    batch = _import(centre_a, referent_a, HEADER + ROWS)
    # Someone adds a learner with the same e-mail but another id in between.
    factories.LearnerFactory(centre=centre_a, national_id="", email="tom.durand@apprentis.example")
    factories.LearnerFactory(centre=centre_a, national_id="", email="tom.durand@apprentis.example")
    batch = services.import_batch_confirm(batch=batch, acting_user=referent_a)
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.counts["error"] == 0 or batch.error
    assert Learner.objects.filter(national_id__startswith="0712").count() == 0


def test_xlsx_import_reads_workbook_dates_and_numbers(centre_a, referent_a, media):
    upload = xlsx_upload(
        [
            ["INE", "Nom", "Prénom", "Date de naissance", "Année"],
            ["071234567AB", "Martin", "Léa", datetime.datetime(2004, 5, 17), 2],
        ]
    )
    batch = services.import_batch_create(
        centre=centre_a, kind="learners", upload=upload, acting_user=referent_a
    )
    services.import_batch_confirm(batch=batch, acting_user=referent_a)
    learner = Learner.objects.get()
    assert learner.date_of_birth == datetime.date(2004, 5, 17) and learner.training_year == 2


def test_a_new_sending_employer_is_added_to_the_directory_once(centre_a, referent_a, media):
    text = (
        "INE;Nom;Prénom;Employeur;SIRET employeur\n"
        "071234567AB;Martin;Léa;Boulangerie du Pont;12345678900012\n"
        "071234567AC;Durand;Tom;Boulangerie du Pont;12345678900012\n"
    )
    services.import_batch_confirm(batch=_import(centre_a, referent_a, text), acting_user=referent_a)
    employer = Organisation.objects.get(kind=OrganisationKind.SENDING_EMPLOYER)
    assert employer.network_id == centre_a.network_id and employer.owner_centre == centre_a
    assert Learner.objects.filter(employer=employer).count() == 2


def test_read_only_staff_cannot_import(centre_a, readonly_a, media):
    with pytest.raises(PermissionDenied):
        _import(centre_a, readonly_a, HEADER + ROWS)


def test_a_referent_cannot_import_into_another_centre(centre_a, referent_b, media):
    with pytest.raises(PermissionDenied):
        _import(centre_a, referent_b, HEADER + ROWS)


def test_ten_thousand_learners_import_in_bulk(
    centre_a, referent_a, media, django_assert_max_num_queries, settings
):
    settings.IMPORT_INLINE_MAX_ROWS = 20_000
    lines = [HEADER] + [
        f"{i:09d}AA;Nom{i};Prénom{i};01/02/2003;l{i}@apprentis.example;F;FR;;\n" for i in range(2_000)
    ]
    with django_assert_max_num_queries(60):
        batch = _import(centre_a, referent_a, "".join(lines))
        services.import_batch_confirm(batch=batch, acting_user=referent_a)
    assert Learner.objects.count() == 2_000
