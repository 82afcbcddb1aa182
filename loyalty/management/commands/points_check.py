"""Check the whole points book: each balance equals the sum of its entries and of ``remaining``."""

from django.core.management.base import BaseCommand, CommandError

from loyalty.services.points import points_book_check


class Command(BaseCommand):
    help = "Check that every points balance equals the sum of its ledger entries."

    def handle(self, *args, **options):
        problems = points_book_check()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in the points book.")
        self.stdout.write(self.style.SUCCESS("Points book balances."))
