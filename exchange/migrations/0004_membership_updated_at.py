import django.utils.timezone
from django.db import migrations, models


def joined_is_last_change(apps, schema_editor):
    # Existing memberships: nothing is known beyond when they began.
    Membership = apps.get_model("exchange", "Membership")
    Membership.objects.update(updated_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0003_outbox_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RunPython(joined_is_last_change, migrations.RunPython.noop),
    ]
