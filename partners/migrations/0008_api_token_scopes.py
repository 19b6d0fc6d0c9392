"""API tokens get scopes (read, write, documents), chosen when a token is created.

Tokens created before could do everything their user may do: they keep every scope, so that no
script stops working on the upgrade. Their owners narrow them by creating a new token and revoking
the old one.
"""

from django.db import migrations, models

EVERY_SCOPE = ["read", "write", "documents"]


def grant_every_scope(apps, schema_editor):
    ApiToken = apps.get_model("partners", "ApiToken")
    ApiToken.objects.filter(scopes=[]).update(scopes=EVERY_SCOPE)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0007_email_secrets_bound_at_queue_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="What the token may do: read, write, documents (download files).",
                verbose_name="scopes",
            ),
        ),
        migrations.RunPython(grant_every_scope, migrations.RunPython.noop),
    ]
