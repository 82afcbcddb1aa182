"""On PostgreSQL, make overlapping periods of one price list and product impossible.

SQLite has no exclusion constraints; there ``pricing.services.prices`` is the
guard (it checks under the price list's row lock).  The constraint is
deferrable, checked at the end of each statement, so a bulk update that
shortens one period and moves another is judged on its result.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE pricing_pricelistentry ADD CONSTRAINT price_entry_no_overlap EXCLUDE USING gist (
    price_list_id WITH =,
    product_id WITH =,
    tstzrange(valid_from, valid_to, '[)') WITH &&
) DEFERRABLE INITIALLY IMMEDIATE;
"""
DROP = "ALTER TABLE pricing_pricelistentry DROP CONSTRAINT IF EXISTS price_entry_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("pricing", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
