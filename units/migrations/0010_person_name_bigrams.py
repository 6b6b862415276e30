"""The people list's name search on PostgreSQL: a GIN index of each name's character pairs
(bianzhi.lib.search). Nothing on SQLite, where the search stays ``icontains``."""

from django.db import migrations

from bianzhi.lib.search import BIGRAMS_FUNCTION, CREATE_FUNCTION

INDEX = "units_person_name_bigrams"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    schema_editor.execute(f"CREATE INDEX {INDEX} ON units_person USING gin ({BIGRAMS_FUNCTION}(name))")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {BIGRAMS_FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [("units", "0009_person_leaders_index")]

    operations = [migrations.RunPython(forwards, backwards)]
