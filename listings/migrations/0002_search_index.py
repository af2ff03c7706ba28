"""Full-text index: FTS5 on SQLite, a tsvector table with a GIN index on PostgreSQL.

The tables live outside Django's models (listings/search.py owns them); this migration
creates them and indexes any listings that already exist.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from listings import search

    search.install()
    search.rebuild_index()


def backwards(apps, schema_editor):
    from listings import search

    search.uninstall()


class Migration(migrations.Migration):
    dependencies = [("listings", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
