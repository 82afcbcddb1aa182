"""``manage.py stored_value_check``: compare every stored-value balance with its ledger."""

from django.core.management.base import BaseCommand, CommandError

from loyalty.services.stored_value import stored_value_book_check


class Command(BaseCommand):
    help = "Check that each balance equals the sum of its entries and held the active holds."

    def handle(self, *args, **options):
        drift = stored_value_book_check()
        for row in drift:
            self.stderr.write(
                f"account {row['pk']}: balance {row['balance']} vs ledger {row['ledger_amount']}, "
                f"held {row['held']} vs holds {row['holds_amount']}"
            )
        if drift:
            raise CommandError(f"{len(drift)} stored-value account(s) drift from their ledger.")
        self.stdout.write(self.style.SUCCESS("Stored-value book is in balance."))
