"""The pricing hints' texts in every language, for the layer that renders hints.

The engine is pure (no Django) and builds its hints in English; these are the
same texts as translatable templates with named placeholders, so the API (or
any page) can render a hint in the caller's language from the hint's parts.
"""

from django.utils.translation import gettext_lazy as _

HINT_TEXTS = {
    # multibuy, mix & match: "Add 1 more to get 3 for 2"
    "add_more": _("Add %(count)s more to get %(deal)s"),
    # bundle: "Add Tortilla chips to complete the bundle"
    "complete_bundle": _("Add %(name)s to complete the bundle"),
    "one_more_item": _("one more item"),
    # spend threshold: "Spend 50.00 more for 10% off"
    "spend_more": _("Spend %(amount)s more for %(benefit)s"),
    # gift with purchase
    "spend_for_gift": _("Spend %(amount)s more for a free %(name)s"),
    "gift_free": _("Add %(name)s – it's free with your purchase"),  # noqa: RUF001
    # the deal and benefit in a few words
    "percent_off": _("%(percent)s off"),
    "amount_off": _("%(amount)s off"),
    "n_for_m": _("%(size)s for %(pay)s"),
    "percent_off_cheapest": _("%(percent)s off the cheapest of %(size)s"),
}
