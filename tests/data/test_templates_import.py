"""Every downloadable import template imports as it is into the demo; an unknown code says where the
codes are listed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from mobility.data.imports import services
from mobility.data.models import ImportStatus
from partners.accounts.models import User
from partners.directory.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield
    with django_db_blocker.unblock():
        call_command("flush", "--noinput", verbosity=0)


def _import(kind, file_format, referent):
    from django.test import Client

    client = Client()
    client.force_login(referent)
    answer = client.get(f"/data/imports/template/{kind}.{file_format}")
    assert answer.status_code == 200
    name, content_type, content = f"template.{file_format}", answer["Content-Type"], answer.content
    centre = Organisation.objects.get(name="CFA des Métiers de Montclar")
    batch = services.import_batch_create(
        centre=centre, kind=kind, upload=SimpleUploadedFile(name, content, content_type), acting_user=referent
    )
    return batch


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_each_template_imports_as_it_is_into_the_demo(demo, file_format):
    referent = User.objects.get(email="referent@montclar.example")
    # In the order a centre fills them: the learner and the host company the mobility refers to.
    for kind in ("learners", "organisations", "mobilities"):
        batch = _import(kind, file_format, referent)
        errors = [e for r in batch.report["rows"] for e in r.get("errors", [])]
        assert batch.status == ImportStatus.PREVIEWED and not errors, (kind, errors)
        batch = services.import_batch_confirm(batch=batch, acting_user=referent)
        assert batch.status == ImportStatus.DONE, (kind, batch.report)


def test_an_unknown_qualification_code_says_where_the_codes_are_listed(demo, client):
    referent = User.objects.get(email="referent@montclar.example")
    text = "INE;Nom;Prénom;Date de naissance;Code diplôme\n071299999ZZ;Roux;Inès;17/05/2004;CAP-NOPE\n"
    centre = Organisation.objects.get(name="CFA des Métiers de Montclar")
    batch = services.import_batch_create(
        centre=centre, kind="learners", acting_user=referent,
        upload=SimpleUploadedFile("x.csv", text.encode(), "text/csv"),
    )  # fmt: skip
    message = batch.report["rows"][0]["errors"][0]["message"]
    assert "CAP-NOPE" in message and "Qualification codes" in message
    client.force_login(referent)
    page = client.get("/data/imports/").content.decode()
    assert 'id="qualification-codes"' in page and "<code>CAP-BOULANGER</code>" in page
