"""Secrets in e-mails are bound to their message when it is queued.

``OutboundEmail.nonce`` marks the placeholders a message's templates wrote and ``placeholders`` lists
what it may make at delivery. An invitation keeps no token until its e-mail leaves.

E-mails stored before are brought to that form: a guest e-mail's bare ``[[link:N]]`` / ``[[code:X]]``
get the message's nonce (bound only while the message is still queued, and delivery still checks
that each link is the recipient's, on the message's mobility); an invitation's stored token becomes a
placeholder, so no stored copy holds a usable token and a queued one gets a fresh token when it leaves.
"""

import re
import secrets

from django.db import migrations, models
from django.db.models import Q

LEGACY_GUEST = re.compile(r"\[\[(link|code):([A-Za-z0-9_-]{1,40})\]\]")
INVITATION_URL = re.compile(r"https?://[^\s\"'<>]+/invitation/[A-Za-z0-9_-]+/")


def bind_stored_placeholders(apps, schema_editor):
    OutboundEmail = apps.get_model("partners", "OutboundEmail")
    stored = OutboundEmail.objects.filter(nonce="").filter(
        Q(kind="invitation") | Q(kind__startswith="guest.", body_text__contains="[[")
    )
    for message in stored.iterator():
        nonce = secrets.token_hex(16)
        found: list[list[str]] = []

        def placeholder(kind: str, reference: str) -> str:
            if [kind, reference] not in found:
                found.append([kind, reference])
            return f"[[{kind}:{reference}:{nonce}]]"

        def rewrite(text: str) -> str:
            if message.kind == "invitation":
                if message.related_type != "partners.Invitation" or not message.related_id:
                    return INVITATION_URL.sub("‹…›", text)
                return INVITATION_URL.sub(lambda m: placeholder("invitation", message.related_id), text)
            return LEGACY_GUEST.sub(lambda m: placeholder(m.group(1), m.group(2)), text)

        message.body_text = rewrite(message.body_text)
        message.body_html = rewrite(message.body_html)
        message.nonce = nonce
        message.placeholders = found if message.status == "queued" else []
        message.save(update_fields=["body_text", "body_html", "nonce", "placeholders"])


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0006_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="nonce",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="outboundemail",
            name="placeholders",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(bind_stored_placeholders, migrations.RunPython.noop),
    ]
