"""Signal receivers that keep the rules revision honest when rows change outside services.

The admin saves models directly; these receivers only bump the counter (in
the saving transaction), never apply a business rule.  Bulk writes fire no
signals, so the services bump explicitly as well.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from pricing.models import Campaign, CampaignTarget, PriceList, PriceListEntry, ProductSet
from pricing.services.revision import rules_revision_bump
from retail.models import Brand, Category, Product, VatRate

# Rows whose change changes what a basket costs (VAT rates are in the offline snapshot).
# A product's category, brand and VAT class decide which campaigns and rates apply to it.
WATCHED_MODELS = (
    PriceList,
    PriceListEntry,
    Campaign,
    CampaignTarget,
    ProductSet,
    VatRate,
    Product,
    Category,
    Brand,
)
WATCHED_M2M = (
    PriceList.channels.through,
    PriceList.stores.through,
    PriceList.customer_groups.through,
    Campaign.channels.through,
    Campaign.stores.through,
    Campaign.customer_groups.through,
    ProductSet.products.through,
)
_M2M_CHANGES = {"post_add", "post_remove", "post_clear"}


def bump_on_change(sender, **kwargs):
    if kwargs.get("raw"):  # loading fixtures
        return
    rules_revision_bump()


def bump_on_m2m_change(sender, action, **kwargs):
    if action in _M2M_CHANGES:
        rules_revision_bump()


def connect() -> None:
    """Connect the receivers; called once from ``PricingConfig.ready``."""
    for model in WATCHED_MODELS:
        uid = f"pricing.rules_revision.{model._meta.label_lower}"
        post_save.connect(bump_on_change, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(bump_on_change, sender=model, dispatch_uid=f"{uid}.delete")
    for through in WATCHED_M2M:
        m2m_changed.connect(
            bump_on_m2m_change,
            sender=through,
            dispatch_uid=f"pricing.rules_revision.{through._meta.label_lower}",
        )
