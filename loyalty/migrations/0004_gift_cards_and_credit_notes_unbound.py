"""Gift cards and credit notes are usable in every channel of their currency: clear the channel
they were sold in from the account (it stays on their ISSUE entry).  Only vouchers are bound."""

from django.db import migrations


def unbind(apps, schema_editor):
    Account = apps.get_model("loyalty", "StoredValueAccount")
    Account.objects.exclude(kind="voucher").exclude(channel=None).update(channel=None)


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0003_earn_reversal")]

    operations = [migrations.RunPython(unbind, migrations.RunPython.noop)]
