"""``manage.py stock_check``: prove on hand equals the ledger and reserved equals the holds."""

from django.core.management.base import BaseCommand, CommandError

from inventory.invariant import stock_drift
from inventory.models import StockLevel


class Command(BaseCommand):
    help = (
        "Check, for the whole chain, that on hand equals the sum of movements and reserved "
        "equals the sum of active reservations for every store and product. Prints each "
        "drifting item and exits non-zero when there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=100, help="Print at most this many drift rows."
        )

    def handle(self, *args, limit, **options):
        drift = stock_drift()
        if not drift:
            rows = StockLevel.objects.count()
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK: {rows} stock rows; on hand equals the ledger and reserved equals "
                    "the active reservations."
                )
            )
            return
        for item in drift[:limit]:
            self.stdout.write(str(item))
        if len(drift) > limit:
            self.stdout.write(f"... and {len(drift) - limit} more")
        raise CommandError(f"stock drift in {len(drift)} item(s)")
