"""Coupon codes for campaigns: given codes (``code``) or a generated batch (``generate`` N).

A given code is created through ``coupon_codes_bulk_create`` (the checks of
``coupon_code_create``); a row with ``generate`` draws N unguessable codes
with ``coupon_batch_generate`` (``prefix``, ``max_uses`` per code).  A code
that already exists for the same campaign with the same limits is
unchanged; one that exists otherwise is an error (edit it in the admin).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports.conf import sql_chunk
from imports.kinds.base import (
    NEW,
    UNCHANGED,
    Column,
    Progress,
    Report,
    RowReader,
    headers_check,
    report_progress,
)
from imports.parsing import Table, cell_datetime, cell_int
from pricing.coupon_checks import coupon_code_normalise
from pricing.resources import CouponCodeResource
from pricing.selectors_import import campaigns_by_code, coupon_codes_by_code
from pricing.services.coupons import (
    CODE_FORMAT,
    MAX_BATCH_SIZE,
    PREFIX_FORMAT,
    coupon_batch_generate,
)
from pricing.services.imports import CouponCodeRow, coupon_codes_bulk_create
from retail.errors import DomainError

COLUMNS = (
    Column("campaign", True, _("Code of the campaign the codes unlock."), "SUMMER25"),
    Column(
        "code",
        False,
        _("A given code (3-32 letters, digits, - or _); or leave empty and"),
        "VIP-2025",
    ),
    Column("generate", False, _("... give a number of codes to generate (1-100000)."), "5000"),
    Column("prefix", False, _("Prefix of generated codes (up to 8 letters or digits)."), "SUM"),
    Column("max_uses", False, _("Uses per code; empty: unlimited (generated codes: 1)."), "1"),
    Column("max_uses_per_customer", False, _("Uses per customer; empty: unlimited."), ""),
    Column("valid_from", False, _("First day the code works; empty: as its campaign."), ""),
    Column("valid_to", False, _("First moment it no longer works; empty: as its campaign."), ""),
)
LIMITS = ("max_uses", "max_uses_per_customer", "valid_from", "valid_to")


@dataclass
class Plan:
    given: list[tuple[int, CouponCodeRow]] = field(default_factory=list)
    # (row, campaign, size, prefix, limits) of each batch to generate
    batches: list[tuple[int, object, int, str, dict]] = field(default_factory=list)


def check(table: Table, *, at: datetime, report: Report, progress: Progress | None = None) -> Plan:
    """Check every row; a given code is new, unchanged, or an error when taken otherwise."""
    plan = Plan()
    if not headers_check(table, COLUMNS, report):
        return plan
    campaigns = campaigns_by_code(
        codes=(str(c.get("campaign") or "").strip() for _, c in table.rows), chunk=sql_chunk()
    )
    wanted = [coupon_code_normalise(str(c.get("code") or "")) for _, c in table.rows]
    existing = coupon_codes_by_code(codes=wanted, chunk=sql_chunk())
    seen: dict[str, int] = {}
    total = len(table.rows)
    for done, (number, cells) in enumerate(table.rows, start=1):
        read = RowReader(report, number, cells)
        campaign_code = read("campaign", required=True)
        campaign = campaigns.get(campaign_code)
        if campaign_code and campaign is None:
            read.fail(
                "campaign",
                gettext("'%(campaign_code)s' is not a campaign") % {"campaign_code": campaign_code},
            )
        code = coupon_code_normalise(read("code") or "")
        generate = read("generate", cell_int)
        prefix = coupon_code_normalise(read("prefix") or "")
        limits = {
            "max_uses": read("max_uses", cell_int),
            "max_uses_per_customer": read("max_uses_per_customer", cell_int),
            "valid_from": read("valid_from", cell_datetime),
            "valid_to": read("valid_to", cell_datetime),
        }
        for name in ("max_uses", "max_uses_per_customer"):
            if limits[name] is not None and limits[name] < 1:
                read.fail(name, gettext("must be 1 or more"))
        if (
            limits["valid_from"]
            and limits["valid_to"]
            and limits["valid_to"] <= limits["valid_from"]
        ):
            read.fail("valid_to", gettext("must be after valid_from"))
        if bool(code) == (generate is not None):
            read.fail("code", gettext("give either a code or a number to generate"))
        elif code and not CODE_FORMAT.match(code):
            read.fail(
                "code",
                gettext("'%(code)s' is not a code (3-32 letters, digits, - or _)") % {"code": code},
            )
        elif generate is not None and not 1 <= generate <= MAX_BATCH_SIZE:
            read.fail(
                "generate",
                gettext("must be 1 to %(MAX_BATCH_SIZE)s") % {"MAX_BATCH_SIZE": MAX_BATCH_SIZE},
            )
        if not PREFIX_FORMAT.match(prefix):
            read.fail("prefix", gettext("up to 8 letters or digits"))
        if code and code in seen:
            read.fail("code", gettext("also in row %(value)s") % {"value": seen[code]})
        if read.ok:
            if code:
                seen[code] = number
                _given(plan, report, read, campaign, code, limits, existing.get(code))
            else:
                plan.batches.append((number, campaign, generate, prefix, limits))
                report.outcome(
                    NEW,
                    row=number,
                    key=f"{campaign.code} / generate",
                    changes={"codes": (None, generate), "prefix": (None, prefix)},
                )
        report_progress(progress, done, total)
    return plan


def _given(plan, report, read, campaign, code, limits, coupon) -> None:
    key = f"{campaign.code} / {code}"
    if coupon is None:
        plan.given.append((read.number, CouponCodeRow(campaign.pk, code, **limits)))
        report.outcome(NEW, row=read.number, key=key, changes={"code": (None, code)})
    elif coupon.campaign_id != campaign.pk:
        read.fail(
            "code", gettext("'%(code)s' already belongs to another campaign") % {"code": code}
        )
    elif any(getattr(coupon, name) != limits[name] for name in LIMITS):
        read.fail(
            "code",
            gettext("'%(code)s' exists with other limits; change it in the admin") % {"code": code},
        )
    else:
        report.outcome(UNCHANGED, row=read.number, key=key)


def apply(plan: Plan, *, run, at: datetime, user, progress: Progress | None = None) -> None:
    """Create the given codes and generate the batches; call inside the run's transaction."""
    numbers = [number for number, _ in plan.given]
    try:
        coupon_codes_bulk_create(rows=[row for _, row in plan.given], at=at)
    except DomainError as exc:
        parts = (exc.field or "").split(".")
        if len(parts) == 3 and parts[1].isdigit():
            row = numbers[int(parts[1])]
            exc.message = f"row {row}, column 'code': {exc.message}"
            exc.extra = {**exc.extra, "row": row, "column": "code"}
        raise
    for number, campaign, size, prefix, limits in plan.batches:
        try:
            coupon_batch_generate(
                campaign=campaign,
                size=size,
                name=f"import #{run.pk} row {number}",
                prefix=prefix,
                max_uses_per_code=limits["max_uses"] or 1,
                valid_from=limits["valid_from"],
                valid_to=limits["valid_to"],
                user=user,
                at=at,
            )
        except DomainError as exc:
            exc.message = f"row {number}, column '{exc.field}': {exc.message}"
            exc.extra = {**exc.extra, "row": number, "column": exc.field}
            raise
    total = len(plan.given) + len(plan.batches)
    if progress:
        progress(total, total)


def export_dataset():
    """Every coupon code in the import layout (generated ones as given codes)."""
    return CouponCodeResource().export()
