"""The unit list's name search on PostgreSQL: GIN indexes of the character pairs of units' names and
of their other names (bianzhi.lib.search), as for people (0010). Nothing on SQLite."""

from django.db import migrations

from bianzhi.lib.search import BIGRAMS_FUNCTION, CREATE_FUNCTION

INDEXES = {"units_unit_name_bigrams": "units_unit", "units_unitalias_name_bigrams": "units_unitalias"}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION)
    for index, table in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {index} ON {table} USING gin ({BIGRAMS_FUNCTION}(name))")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("units", "0010_person_name_bigrams")]

    operations = [migrations.RunPython(forwards, backwards)]
