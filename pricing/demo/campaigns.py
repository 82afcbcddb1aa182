"""Demo steps for product sets, the campaigns of ``campaign_plans`` and their coupon codes.

Campaigns are written in bulk with their scopes and targets; bulk inserts
fire no signals, so the step bumps the rules revision itself once.  A
campaign is known by its code and a set by its code; existing ones are left
as they are.  Coupon codes: a multi-use welcome code per market
(``WELCOME10``, ``VALKOMMEN10``, ``VELKOMMEN10``, once per customer) and a
batch of 100 single-use codes, which ``coupon_batch_generate`` draws
unguessably: they differ between databases, everything else is the same for
the same seed on the same day.
"""

from __future__ import annotations

from pricing.demo.campaign_plans import (
    PERSONAL_BATCH_SIZE,
    PERSONAL_CAMPAIGN,
    PRODUCT_SETS,
    SET_SIZE,
    WELCOME_CODES,
    CampaignPlan,
    campaign_plans,
)
from pricing.demo.prices import demo_today, product_rows
from pricing.models import Campaign, CampaignTarget, CouponBatch, CouponCode, ProductSet
from pricing.services.coupons import coupon_batch_generate, coupon_code_create
from pricing.services.revision import rules_revision_bump
from retail.demo.builder import SeedContext
from retail.models import Brand, Category, Channel, CustomerGroup, Product, Store

# Columns of a campaign that come from a plan's ``params`` as they are.
PARAM_FIELDS = (
    "percent",
    "amount",
    "price",
    "buy_quantity",
    "pay_quantity",
    "mix_benefit",
    "threshold_amount",
    "gift_quantity",
)


def seed_product_sets(*, ctx: SeedContext) -> None:
    """Create the mix & match sets, each with up to 30 products of its categories."""
    existing = set(ProductSet.objects.values_list("code", flat=True))
    new = [row for row in PRODUCT_SETS if row[0] not in existing]
    ctx.bulk_create(ProductSet, [ProductSet(code=code, name=name) for code, name, _ in new])
    sets = ProductSet.objects.in_bulk([code for code, *_ in new], field_name="code")
    members = []
    for code, _name, categories in new:
        products = Product.objects.filter(category__code__in=categories, is_active=True)
        members += [
            ProductSet.products.through(productset_id=sets[code].pk, product_id=pk)
            for pk in products.order_by("sku").values_list("pk", flat=True)[:SET_SIZE]
        ]
    ctx.bulk_create(ProductSet.products.through, members)
    ctx.summary["product sets"] = ProductSet.objects.count()


def seed_campaigns(*, ctx: SeedContext) -> None:
    """Create the missing campaigns with their channels, stores, groups and targets."""
    products = ctx.shared.get("pricing_products") or product_rows()
    plans = campaign_plans(rng=ctx.rng, products=products, today=demo_today())
    existing = set(Campaign.objects.values_list("code", flat=True))
    new = [plan for plan in plans if plan.code not in existing]
    if new:
        _write_campaigns(ctx=ctx, plans=new)
        rules_revision_bump()
    ctx.summary["campaigns"] = Campaign.objects.count()


def _write_campaigns(*, ctx: SeedContext, plans: list[CampaignPlan]) -> None:
    skus = {t.product for p in plans for t in p.targets if t.product}
    skus |= {p.params["gift_product"] for p in plans if "gift_product" in p.params}
    product_ids = dict(Product.objects.filter(sku__in=skus).values_list("sku", "pk"))
    ctx.bulk_create(Campaign, [_campaign(plan, product_ids) for plan in plans])
    ids = dict(Campaign.objects.filter(code__in=[p.code for p in plans]).values_list("code", "pk"))
    channels = dict(Channel.objects.values_list("code", "pk"))
    stores = dict(Store.objects.values_list("code", "pk"))
    groups = dict(CustomerGroup.objects.values_list("code", "pk"))
    keys = {
        "category": dict(Category.objects.values_list("code", "pk")),
        "brand": dict(Brand.objects.values_list("code", "pk")),
        "product_set": dict(ProductSet.objects.values_list("code", "pk")),
        "product": product_ids,
    }
    through = Campaign.channels.through, Campaign.stores.through, Campaign.customer_groups.through
    rows: tuple[list, list, list] = ([], [], [])
    targets = []
    for plan in plans:
        pk = ids[plan.code]
        rows[0].extend(
            through[0](campaign_id=pk, channel_id=channels[c])
            for c in plan.channels
            if c in channels
        )
        rows[1].extend(
            through[1](campaign_id=pk, store_id=stores[s]) for s in plan.stores if s in stores
        )
        rows[2].extend(
            through[2](campaign_id=pk, customergroup_id=groups[g])
            for g in plan.groups
            if g in groups
        )
        for target in plan.targets:
            name, value = next(
                (name, getattr(target, name))
                for name in ("product", "category", "brand", "product_set")
                if getattr(target, name)
            )
            if value in keys[name]:
                targets.append(
                    CampaignTarget(
                        campaign_id=pk,
                        group=target.group,
                        quantity=target.quantity,
                        exclude=target.exclude,
                        **{f"{name}_id": keys[name][value]},
                    )
                )
    for model, objs in zip(through, rows, strict=True):
        ctx.bulk_create(model, objs)
    ctx.bulk_create(CampaignTarget, targets)


def _campaign(plan: CampaignPlan, product_ids: dict[str, int]) -> Campaign:
    params = {k: v for k, v in plan.params.items() if k in PARAM_FIELDS}
    gift = plan.params.get("gift_product")
    return Campaign(
        code=plan.code,
        name=plan.name[:200],
        receipt_text=plan.texts,
        kind=plan.kind,
        status=plan.status,
        currency=plan.currency,
        valid_from=plan.valid_from,
        valid_to=plan.valid_to,
        priority=plan.priority,
        stacking=plan.stacking,
        max_applications=plan.max_applications,
        requires_coupon=plan.requires_coupon,
        gift_product_id=product_ids.get(gift) if gift else None,
        **params,
    )


def seed_coupon_codes(*, ctx: SeedContext) -> None:
    """Create the welcome codes and the batch of single-use personal codes, if missing."""
    campaigns = Campaign.objects.in_bulk(
        [*WELCOME_CODES.values(), PERSONAL_CAMPAIGN], field_name="code"
    )
    taken = set(
        CouponCode.objects.filter(code__in=WELCOME_CODES.values()).values_list("code", flat=True)
    )
    for code in WELCOME_CODES.values():
        if code in campaigns and code not in taken:
            coupon_code_create(campaign=campaigns[code], code=code, max_uses_per_customer=1)
            ctx.count(CouponCode, 1)
    personal = campaigns.get(PERSONAL_CAMPAIGN)
    if personal is not None and not CouponBatch.objects.filter(campaign=personal).exists():
        coupon_batch_generate(
            campaign=personal,
            size=PERSONAL_BATCH_SIZE,
            name="Personal 100 DKK codes",
            prefix="DK",
        )
        ctx.count(CouponBatch, 1)
        ctx.count(CouponCode, PERSONAL_BATCH_SIZE)
    ctx.summary["coupon codes"] = CouponCode.objects.count()
