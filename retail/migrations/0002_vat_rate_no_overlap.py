"""On PostgreSQL, make overlapping VAT periods of one country and class impossible.

SQLite has no exclusion constraints; there ``VatRate.clean`` is the guard.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE retail_vatrate ADD CONSTRAINT vat_rate_no_overlap EXCLUDE USING gist (
    country WITH =,
    vat_class_id WITH =,
    daterange(valid_from, valid_to, '[)') WITH &&
);
"""
DROP = "ALTER TABLE retail_vatrate DROP CONSTRAINT IF EXISTS vat_rate_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("retail", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
