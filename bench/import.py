"""Benchmark: spreadsheet imports (issue 7) against plain django-import-export on the same files.

Usage::

    .venv/bin/python bench/import.py --quick          # 10,000 prices, 2,000 campaigns
    .venv/bin/python bench/import.py                  # 100,000 prices, 10,000 campaigns
    .venv/bin/python bench/import.py --postgres postgres://postgres@127.0.0.1:5432

Builds its own world once (SQLite file under ``bench/out/``, or the database
``bench_imports_tpl`` on the ``--postgres`` server): N products, a price list
with a price for 90 % of them, and two xlsx files:

- **prices**: one row per product; half the existing prices unchanged, 40 %
  changed, 10 % new entries;
- **campaigns**: percent_off ``20%``, multibuy ``3 for 2`` and fixed_price rows,
  each on a product, all new.

Each side then runs in its own process on a fresh copy of that world (so its
peak RSS is its own), timing *validate* (check + preview, nothing written)
and *apply* (the write):

- **ours**: ``import_run_validate`` and ``import_run_apply`` (apply checks the
  file again, then writes through the services: price history, revision);
- **die-default**: a plain ``ModelResource`` with default settings,
  ``import_data(dry_run=True)`` then ``import_data(dry_run=False)``;
- **die-tuned**: the same resource with ``use_bulk``, ``skip_unchanged`` and
  ``batch_size=1000`` (``skip_diff`` would disable ``skip_unchanged``, and
  ``force_init_instance`` would turn every update into an insert, so both are
  left off; the campaign resource loads instances with ``CachedInstanceLoader``).

The campaign baseline gets one ``before_import_row`` hook that turns the
``offer`` cell into the model's columns (a plain resource cannot read it)
and does not import targets (a reverse foreign key it cannot write) nor check
overlaps, so it does less work than ours.  Targets (issue 7): ours >= 5x
faster than the default resource and >= 2x faster than the tuned one; peak
memory is reported, not targeted.  Nothing is written outside ``bench/out/``
and the ``bench_imports_*`` databases.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "imports"
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path[0] = str(ROOT)

TEMPLATE_DB = "bench_imports_tpl"
WORK_DB = "bench_imports_work"
SIDES = ("ours", "die-tuned", "die-default")
TARGETS = {"die-default": 5.0, "die-tuned": 2.0}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 prices, 2,000 campaigns")
    parser.add_argument("--rows", type=int, help="rows of the price file (default 100,000)")
    parser.add_argument("--campaigns", type=int, help="rows of the campaign file (default 10,000)")
    parser.add_argument("--postgres", metavar="URL", help="server URL without a database name")
    parser.add_argument("--sides", default=",".join(SIDES), help="comma separated")
    parser.add_argument("--kinds", default="prices,campaigns", help="comma separated")
    parser.add_argument("--json", metavar="PATH", help="write every figure as JSON")
    parser.add_argument("--child", nargs=3, metavar=("SIDE", "KIND", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.rows = args.rows or (10_000 if args.quick else 100_000)
    args.campaigns = args.campaigns or (2_000 if args.quick else 10_000)
    return args


# ---- databases ----------------------------------------------------------------------------


def db_url(args, name: str) -> str:
    if args.postgres:
        return f"{args.postgres.rstrip('/')}/{name}"
    return f"sqlite:///{OUT / (name + '.sqlite3')}"


def db_copy(args, source: str, target: str) -> None:
    if args.postgres:
        import psycopg

        with psycopg.connect(f"{args.postgres.rstrip('/')}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
            if source:
                conn.execute(f"CREATE DATABASE {target} TEMPLATE {source}")
            else:
                conn.execute(f"CREATE DATABASE {target}")
    else:
        path = OUT / f"{target}.sqlite3"
        path.unlink(missing_ok=True)
        if source:
            shutil.copy(OUT / f"{source}.sqlite3", path)


def django_setup(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "retail.settings"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = str(OUT / "media")
    # Both sides read "2025-01-01" as midnight UTC (django-import-export uses TIME_ZONE).
    settings.IMPORTS_TIME_ZONE = "UTC"


# ---- the world and the files --------------------------------------------------------------


def build(args) -> None:
    """Create the template database and both files."""
    OUT.mkdir(parents=True, exist_ok=True)
    db_copy(args, "", TEMPLATE_DB)
    django_setup(db_url(args, TEMPLATE_DB))
    from datetime import UTC, datetime
    from decimal import Decimal

    from django.core.management import call_command

    from pricing.models import PriceList, PriceListEntry
    from retail.models import Category, Product, VatClass

    call_command("migrate", verbosity=0)
    vat = VatClass.objects.create(code="STANDARD", name="Standard")
    category = Category.objects.add_root({"code": "ALL", "name": "All"})
    n = args.rows
    Product.objects.bulk_create(
        (
            Product(
                sku=f"B{i:07d}",
                name=f"Bench product {i}",
                category=category,
                vat_class=vat,
                unit_cost_amount=Decimal("50"),
            )
            for i in range(n)
        ),
        batch_size=5000,
    )
    public = PriceList.objects.create(code="PUBLIC", name="Public", currency="DKK")
    ids = dict(Product.objects.values_list("sku", "pk"))
    start = datetime(2025, 1, 1, tzinfo=UTC)
    PriceListEntry.objects.bulk_create(
        (
            PriceListEntry(
                price_list=public,
                product_id=ids[f"B{i:07d}"],
                amount=Decimal("100"),
                valid_from=start,
            )
            for i in range(n * 9 // 10)
        ),
        batch_size=5000,
    )
    from django.db import connections

    connections.close_all()
    _write_files(args)


def _xlsx(path: Path, headers, rows) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)


def _write_files(args) -> None:
    from decimal import Decimal

    n = args.rows
    _xlsx(
        OUT / "prices.xlsx",
        ["price_list", "sku", "price", "valid_from", "valid_to"],
        (
            [
                "PUBLIC",
                f"B{i:07d}",
                Decimal("100") if i % 10 < 5 else Decimal("89.95"),
                "2025-01-01 00:00:00",
                "",
            ]
            for i in range(n)
        ),
    )
    offers = (
        ("percent_off", "20%", ""),
        ("multibuy", "3 for 2", ""),
        ("fixed_price", "49.95", "DKK"),
    )
    _xlsx(
        OUT / "campaigns.xlsx",
        [
            "code",
            "name",
            "kind",
            "offer",
            "currency",
            "status",
            "valid_from",
            "valid_to",
            "priority",
            "stacking",
            "products",
        ],
        (
            [
                f"C{i:06d}",
                f"Campaign {i}",
                *offers[i % 3],
                "active",
                "2025-06-01 00:00:00",
                "2025-07-01 00:00:00",
                i % 5,
                "best_price",
                f"B{(i * 7919) % n:07d}",
            ]
            for i in range(args.campaigns)
        ),
    )


# ---- the sides ----------------------------------------------------------------------------


def die_resources():
    """The plain django-import-export resources, default and tuned."""
    from import_export import fields, instance_loaders, resources, widgets

    from imports.kinds.offers import offer_parse
    from pricing.models import Campaign, PriceList, PriceListEntry
    from retail.models import Product

    class PriceDefault(resources.ModelResource):
        # Field names are the model's (the bulk path writes them); columns are the file's.
        price_list = fields.Field(
            attribute="price_list",
            column_name="price_list",
            widget=widgets.ForeignKeyWidget(PriceList, "code"),
        )
        product = fields.Field(
            attribute="product", column_name="sku", widget=widgets.ForeignKeyWidget(Product, "sku")
        )
        amount = fields.Field(
            attribute="amount", column_name="price", widget=widgets.DecimalWidget()
        )

        class Meta:
            model = PriceListEntry
            fields = ("price_list", "product", "amount", "valid_from", "valid_to")
            import_id_fields = ("price_list", "product", "valid_from")

    class PriceTuned(PriceDefault):
        class Meta(PriceDefault.Meta):
            use_bulk = True
            skip_unchanged = True
            batch_size = 1000

    class CampaignDefault(resources.ModelResource):
        class Meta:
            model = Campaign
            fields = (
                "code",
                "name",
                "kind",
                "currency",
                "status",
                "valid_from",
                "valid_to",
                "priority",
                "stacking",
                "percent",
                "price",
                "buy_quantity",
                "pay_quantity",
            )
            import_id_fields = ("code",)

        def before_import_row(self, row, **kwargs):
            row.update(offer_parse(row["kind"], str(row["offer"])))
            row["currency"] = row.get("currency") or ""

    class CampaignTuned(CampaignDefault):
        class Meta(CampaignDefault.Meta):
            use_bulk = True
            skip_unchanged = True
            batch_size = 1000
            # One query loads every campaign by code; force_init_instance would be quicker
            # still on this all-new file, but a re-import would then insert duplicates.
            instance_loader_class = instance_loaders.CachedInstanceLoader

    return {
        ("die-default", "prices"): PriceDefault,
        ("die-tuned", "prices"): PriceTuned,
        ("die-default", "campaigns"): CampaignDefault,
        ("die-tuned", "campaigns"): CampaignTuned,
    }


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args) -> None:
    side, kind, url = args.child
    django_setup(url)
    content = (OUT / f"{kind}.xlsx").read_bytes()
    baseline = rss_mb()
    result = _ours(kind, content) if side == "ours" else _die(side, kind, content)
    result.update(peak_rss_mb=round(rss_mb(), 1), rss_growth_mb=round(rss_mb() - baseline, 1))
    print(json.dumps(result))


def _ours(kind: str, content: bytes) -> dict:
    from imports import tasks
    from imports.models import ImportRun
    from imports.services import (
        import_run_apply,
        import_run_confirm,
        import_run_create,
        import_run_validate,
    )

    with (
        mock.patch.object(tasks.validate_run, "delay"),
        mock.patch.object(tasks.apply_run, "delay"),
    ):
        run = import_run_create(kind=kind, file=content, file_name=f"{kind}.xlsx")
        started = time.perf_counter()
        run = import_run_validate(run=run)
        validate = time.perf_counter() - started
        assert run.status == ImportRun.Status.PREVIEWED, (run.status, run.errors[:3])
        import_run_confirm(run=run, confirmed_warnings=[w["code"] for w in run.warnings])
        started = time.perf_counter()
        run = import_run_apply(run=run)
        apply = time.perf_counter() - started
    assert run.status == ImportRun.Status.APPLIED, (run.status, run.message)
    return {"validate_s": validate, "apply_s": apply, "summary": run.summary}


def _die(side: str, kind: str, content: bytes) -> dict:
    from import_export.formats.base_formats import XLSX

    resource_class = die_resources()[(side, kind)]
    started = time.perf_counter()
    dataset = XLSX().create_dataset(content)
    dry = resource_class().import_data(dataset, dry_run=True)
    validate = time.perf_counter() - started
    assert not dry.has_errors() and not dry.has_validation_errors(), _first_error(dry)
    started = time.perf_counter()
    dataset = XLSX().create_dataset(content)
    real = resource_class().import_data(dataset, dry_run=False)
    apply = time.perf_counter() - started
    assert not real.has_errors(), _first_error(real)
    return {"validate_s": validate, "apply_s": apply, "summary": dict(real.totals)}


def _first_error(result):
    for row in result.invalid_rows[:1]:
        return row.error_dict
    for _, errors in result.row_errors()[:1]:
        return str(errors[0].error)
    return None


# ---- the driver ---------------------------------------------------------------------------


def run_side(args, side: str, kind: str) -> dict:
    db_copy(args, TEMPLATE_DB, WORK_DB)
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        side,
        kind,
        db_url(args, WORK_DB),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        child(args)
        return 0
    started = time.perf_counter()
    build(args)
    print(
        f"world built in {time.perf_counter() - started:.1f} s: {args.rows:,} prices, "
        f"{args.campaigns:,} campaigns ({'PostgreSQL' if args.postgres else 'SQLite'})"
    )
    figures = {}
    for kind in args.kinds.split(","):
        for side in args.sides.split(","):
            figures[(kind, side)] = result = run_side(args, side, kind)
            print(f"  {kind:9} {side:11} {json.dumps(result)}", flush=True)
    print_table(args, figures)
    if args.json:
        Path(args.json).write_text(json.dumps({f"{k}/{s}": v for (k, s), v in figures.items()}))
    db_copy(args, "", WORK_DB)
    return 0


def print_table(args, figures) -> None:
    print()
    print(
        f"{'file':10} {'side':12} {'validate s':>11} {'apply s':>9} {'total s':>9} "
        f"{'peak RSS MB':>12} {'ours faster':>12} {'target':>7}"
    )
    for kind in args.kinds.split(","):
        ours = figures.get((kind, "ours"), {})
        ours_total = ours.get("validate_s", 0) + ours.get("apply_s", 0)
        for side in args.sides.split(","):
            f = figures[(kind, side)]
            if "error" in f:
                print(f"{kind:10} {side:12} failed: {f['error']}")
                continue
            total = f["validate_s"] + f["apply_s"]
            ratio = f"{total / ours_total:.1f}x" if side != "ours" and ours_total else ""
            target = f">={TARGETS[side]:.0f}x" if side in TARGETS else ""
            print(
                f"{kind:10} {side:12} {f['validate_s']:11.2f} {f['apply_s']:9.2f} {total:9.2f} "
                f"{f['peak_rss_mb']:12.1f} {ratio:>12} {target:>7}"
            )


if __name__ == "__main__":
    sys.exit(main())
