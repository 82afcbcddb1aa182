"""Bulk entry points for spreadsheet imports: campaigns with scope and targets, coupon codes.

Same rules as the admin and ``coupon_code_create``, in a few statements per
thousand rows; each bumps the rules revision once.  Errors name the row
(``rows.<i>.<field>``).  The caller (an import run) owns the transaction
that makes a whole file all or nothing; each function is atomic on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError
from django.utils import timezone

from pricing.coupon_checks import coupon_code_normalise
from pricing.errors import CampaignInvalidError, CouponCodeExistsError, InvalidCouponCodeError
from pricing.models import (
    Campaign,
    CampaignTarget,
    CouponCode,
)
from pricing.services.coupons import CODE_FORMAT
from pricing.services.revision import rules_revision_bump
from pricing.validation import TargetSpec, campaign_problems
from retail import locking

BATCH = 1000
# Campaign columns an import sets; the rest (receipt text, gift, bundles) stay admin-only.
CAMPAIGN_FIELDS = (
    "name",
    "kind",
    "status",
    "currency",
    "valid_from",
    "valid_to",
    "priority",
    "stacking",
    "requires_coupon",
    "max_applications",
    "percent",
    "amount",
    "price",
    "buy_quantity",
    "pay_quantity",
    "mix_benefit",
    "threshold_amount",
)


@dataclass(frozen=True, slots=True)
class CampaignRow:
    """A campaign as one import row: its fields, scope ids and group-0 targets."""

    code: str
    values: dict  # CAMPAIGN_FIELDS -> value
    channel_ids: frozenset[int] = frozenset()
    store_ids: frozenset[int] = frozenset()
    group_ids: frozenset[int] = frozenset()
    product_ids: frozenset[int] = frozenset()
    category_ids: frozenset[int] = frozenset()
    brand_ids: frozenset[int] = frozenset()
    excluded_product_ids: frozenset[int] = frozenset()

    def target_specs(self) -> list[TargetSpec]:
        """The row's targets as ``pricing.validation`` reads them (all in group 0)."""
        included = len(self.product_ids) + len(self.category_ids) + len(self.brand_ids)
        return [TargetSpec()] * included + [TargetSpec(exclude=True)] * len(
            self.excluded_product_ids
        )


def campaign_rows_check(rows: Sequence[CampaignRow]) -> None:
    """Raise ``CampaignInvalidError`` naming ``rows.<i>.<field>`` for the first invalid row."""
    for index, row in enumerate(rows):
        problems = campaign_problems(values=row.values, targets=row.target_specs())
        if problems:
            problem = problems[0]
            raise CampaignInvalidError(
                problem.message,
                field=f"rows.{index}.{problem.field}",
                extra={"campaign": row.code, "reason": problem.code},
            )


@dataclass
class CampaignBulkResult:
    created: int = 0
    changed: int = 0
    campaign_ids: dict[str, int] = field(default_factory=dict)


def campaigns_bulk_upsert(
    *, rows: Sequence[CampaignRow], replace: set[str] | None = None, at: datetime | None = None
) -> CampaignBulkResult:
    """Create the campaigns whose code is new; update those in ``replace`` (by code).

    An updated campaign gets exactly the row's scope and group-0 targets
    (other target groups are left alone).  Bumps the rules revision once.
    Raises ``CampaignInvalidError`` (naming ``rows.<i>.<field>``) when a row
    breaks the campaign rules of ``pricing.validation``, before writing
    anything; ``IntegrityError`` when a row breaks a database constraint (the
    caller checked the rows first).
    """
    campaign_rows_check(rows)
    at = at or timezone.now()
    replace = replace or set()
    result = CampaignBulkResult()
    with locking.atomic():
        existing = {
            c.code: c
            for c in locking.rows_lock(Campaign.objects.filter(code__in=[r.code for r in rows]))
        }
        creates, updates = [], []
        for row in rows:
            campaign = existing.get(row.code)
            if campaign is None:
                campaign = Campaign(code=row.code, **row.values)
                creates.append(campaign)
            elif row.code in replace:
                for name, value in row.values.items():
                    setattr(campaign, name, value)
                campaign.updated_at = at
                updates.append(campaign)
        Campaign.objects.bulk_create(creates, batch_size=BATCH)
        Campaign.objects.bulk_update(updates, [*CAMPAIGN_FIELDS, "updated_at"], batch_size=BATCH)
        if not creates and not updates:
            return result
        if len(creates) and creates[0].pk is None:  # a backend without RETURNING
            ids = dict(
                Campaign.objects.filter(code__in=[c.code for c in creates]).values_list(
                    "code", "pk"
                )
            )
            for campaign in creates:
                campaign.pk = ids[campaign.code]
        touched = {c.code: c.pk for c in [*creates, *updates]}
        _scope_set(rows, touched, replaced=[c.pk for c in updates])
        rules_revision_bump(at=at)
    result.created, result.changed, result.campaign_ids = len(creates), len(updates), touched
    return result


def _scope_set(rows: Sequence[CampaignRow], touched: dict[str, int], *, replaced: list[int]):
    through = {
        "channel_ids": (Campaign.channels.through, "channel_id"),
        "store_ids": (Campaign.stores.through, "store_id"),
        "group_ids": (Campaign.customer_groups.through, "customergroup_id"),
    }
    for model, _ in through.values():
        model.objects.filter(campaign_id__in=replaced).delete()
    CampaignTarget.objects.filter(campaign_id__in=replaced, group=0).delete()
    links = {attr: [] for attr in through}
    targets = []
    for row in rows:
        pk = touched.get(row.code)
        if pk is None:
            continue
        for attr, (model, column) in through.items():
            links[attr] += [model(campaign_id=pk, **{column: i}) for i in getattr(row, attr)]
        targets += [CampaignTarget(campaign_id=pk, product_id=i) for i in row.product_ids]
        targets += [CampaignTarget(campaign_id=pk, category_id=i) for i in row.category_ids]
        targets += [CampaignTarget(campaign_id=pk, brand_id=i) for i in row.brand_ids]
        targets += [
            CampaignTarget(campaign_id=pk, product_id=i, exclude=True)
            for i in row.excluded_product_ids
        ]
    for attr, (model, _) in through.items():
        model.objects.bulk_create(links[attr], batch_size=BATCH)
    CampaignTarget.objects.bulk_create(targets, batch_size=BATCH)


@dataclass(frozen=True, slots=True)
class CouponCodeRow:
    campaign_id: int
    code: str
    max_uses: int | None = None
    max_uses_per_customer: int | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None


def coupon_codes_bulk_create(*, rows: Sequence[CouponCodeRow], at: datetime | None = None) -> int:
    """Create the given codes (normalised to upper case) in bulk; all or nothing.

    Same checks as ``coupon_code_create``: raises ``InvalidCouponCodeError``
    or ``CouponCodeExistsError`` naming ``rows.<i>.code``.  Bumps the rules
    revision once.  Returns the number of codes created.
    """
    codes = []
    for index, row in enumerate(rows):
        code = coupon_code_normalise(row.code)
        if not CODE_FORMAT.match(code):
            raise InvalidCouponCodeError(field=f"rows.{index}.code")
        codes.append(code)
    position = {code: index for index, code in enumerate(codes)}
    if len(position) != len(codes):
        duplicate = next(c for i, c in enumerate(codes) if position[c] != i)
        raise CouponCodeExistsError(
            field=f"rows.{position[duplicate]}.code", extra={"code": duplicate}
        )
    with locking.atomic():
        for start in range(0, len(codes), BATCH):
            taken = CouponCode.objects.filter(code__in=codes[start : start + BATCH]).first()
            if taken is not None:
                raise CouponCodeExistsError(
                    field=f"rows.{position[taken.code]}.code", extra={"code": taken.code}
                )
        try:
            with locking.atomic():
                CouponCode.objects.bulk_create(
                    [
                        CouponCode(
                            code=code,
                            campaign_id=row.campaign_id,
                            max_uses=row.max_uses,
                            max_uses_per_customer=row.max_uses_per_customer,
                            valid_from=row.valid_from,
                            valid_to=row.valid_to,
                        )
                        for code, row in zip(codes, rows, strict=True)
                    ],
                    batch_size=BATCH,
                )
        except IntegrityError as exc:  # a concurrent writer took a code
            raise CouponCodeExistsError(field="rows") from exc
        if codes:
            rules_revision_bump(at=at)
    return len(codes)


__all__ = [
    "CAMPAIGN_FIELDS",
    "CampaignBulkResult",
    "CampaignRow",
    "CouponCodeRow",
    "campaign_rows_check",
    "campaigns_bulk_upsert",
    "coupon_codes_bulk_create",
]
