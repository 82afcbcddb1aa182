"""Turn rows into the engine's inputs: the pricing context and the rules that can touch a basket.

``rules_load`` costs five queries whatever the basket and however many
campaigns the database holds:

1. the products (with their product sets, aggregated in a sub-select);
2. the ids of their categories' ancestors (paths computed in Python);
3. the VAT rates of their classes in the market (store, else channel);
4. the price list entries in force for them in the context's currency;
5. the campaigns in force whose targets reference them, their categories,
   brands or sets, plus basket-wide thresholds and gifts, with their targets.

Scope (channels, stores, customer groups) and coupon locks are filtered in
Python on the loaded rows; the engine checks them again, so the rules stay
correct if someone builds them by hand.
"""

from pricing.loader.campaigns import campaign_targets
from pricing.loader.context import context_build
from pricing.loader.rules import ancestor_paths, rules_load

__all__ = ["ancestor_paths", "campaign_targets", "context_build", "rules_load"]
