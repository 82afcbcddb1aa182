"""``manage.py seed_demo``: build (or complete) the demo chain and print its logins and keys."""

import argparse

from django.core.management.base import BaseCommand, CommandError

from retail.demo.builder import SeedConfig, SeedReport, demo_seed
from retail.demo.products import MAX_PRODUCTS


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


class Command(BaseCommand):
    help = (
        "Create a deterministic demo retail chain (DK, SE, NO): stores, channels, VAT, "
        "products, customers, staff and API clients. Idempotent: a rerun adds nothing."
    )

    def add_arguments(self, parser):
        defaults = SeedConfig()
        parser.add_argument(
            "--stores",
            type=_count,
            default=defaults.stores,
            help="Stores besides the central warehouse (default %(default)s).",
        )
        parser.add_argument(
            "--products",
            type=_count,
            default=defaults.products,
            help="Products (default %(default)s).",
        )
        parser.add_argument(
            "--customers",
            type=_count,
            default=defaults.customers,
            help="Customers (default %(default)s).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=defaults.seed,
            help="Random seed; the same seed builds the same chain.",
        )
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Show progress bars on stderr (default: only when stderr is a terminal).",
        )

    def handle(self, *args, **options):
        if options["products"] > MAX_PRODUCTS:
            raise CommandError(f"--products can be at most {MAX_PRODUCTS:,}.")
        config = SeedConfig(
            seed=options["seed"],
            stores=options["stores"],
            products=options["products"],
            customers=options["customers"],
            progress=options["progress"],
        )
        log = self.stdout.write if options["verbosity"] >= 2 else None
        report = demo_seed(config=config, log=log)
        if options["verbosity"] >= 1:
            self.stdout.write(render(report))


def render(report: SeedReport) -> str:
    """The report as the tidy text the command prints."""
    lines = [f"Demo chain ready (seed {report.config.seed}) in {report.seconds:.1f} s.", ""]
    lines.append("Logins (username, password):")
    width = max((len(login.username) for login in report.logins), default=0)
    for login in report.logins:
        lines.append(f"  {login.username:<{width}}  {login.password:<13}  {login.description}")
    lines += ["", 'API keys (send "Authorization: Api-Key <key>"):']
    width = max((len(key.client) for key in report.api_keys), default=0)
    for key in report.api_keys:
        shown = key.key or "(the client has another key; not shown)"
        lines.append(f"  {key.client:<{width}}  {key.channel:<6}  {key.store:<8}  {shown}")
    counts = ", ".join(f"{label} {number:,}" for label, number in report.summary.items())
    lines += ["", f"Summary: {counts}; {report.rows_created:,} rows created in this run."]
    return "\n".join(lines)
