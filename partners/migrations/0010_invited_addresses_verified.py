"""People who accepted an invitation proved their address by opening the e-mailed link: their
address is recorded as verified, as accepting now does, so that they can set up a second factor."""

from django.db import migrations


def forwards(apps, schema_editor):
    Invitation = apps.get_model("partners", "Invitation")
    User = apps.get_model("partners", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    emails = Invitation.objects.filter(accepted_at__isnull=False).values_list("email", flat=True)
    for user in User.objects.filter(email__in=list(emails)):
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is None:
            primary = not EmailAddress.objects.filter(user=user, primary=True).exists()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=primary)
        elif not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0009_audit_actor_action_index"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
