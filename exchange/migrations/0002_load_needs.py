from django.db import migrations


def load(apps, schema_editor):
    from exchange.taxonomy import load_vocabulary

    load_vocabulary(apps.get_model("exchange", "NeedArea"), apps.get_model("exchange", "Need"))


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
