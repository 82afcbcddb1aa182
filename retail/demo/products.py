"""Demo step for the products and their barcodes, generated from the catalogue data.

Generating (pure, no database) is kept apart from writing, so that the
generator can be checked on its own and a big run spends its time in inserts.
"""

import random
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate

from retail.demo.builder import SeedContext
from retail.demo.data.catalog import (
    BRANDS,
    DEPARTMENTS,
    GS1_PREFIXES,
    MULTIPACK_SHARE,
    MULTIPACK_SIZES,
    BrandSeed,
    department_leaves,
)
from retail.demo.data.locations import MARKETS_BY_COUNTRY
from retail.gtin import gtin_with_check_digit
from retail.models import Brand, Category, Product, ProductGtin, VatClass
from retail.money import quantize

# Barcodes: GS1 country prefix (3) + company number (4) + item reference (5) + check digit.
# Each brand owns company numbers 1000 + 10 * its position onwards, one per 100,000 items.
ITEM_REFERENCES = 100_000
MAX_PRODUCTS = ITEM_REFERENCES * 10 - 1
# Brands invoice in their own currency; the cost ranges in the data are in DKK.
COST_FACTORS = {"DKK": Decimal(1), "SEK": Decimal("1.50"), "NOK": Decimal("1.55")}
# Indicator digit of a case GTIN-14, by pack size.
PACK_INDICATORS = {6: "1", 12: "2"}


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    name: str
    brand: str
    category: str
    vat_class: str
    unit_cost_amount: Decimal
    unit_cost_currency: str
    attributes: dict
    gtin: str
    pack_gtin: str | None = None
    pack_quantity: int | None = None


def product_gtin(*, brand_index: int, brand: BrandSeed, number: int) -> str:
    """Return the EAN-13 of product ``number`` of the demo (unique over all products)."""
    company = 1000 + 10 * brand_index + number // ITEM_REFERENCES
    item = number % ITEM_REFERENCES
    return gtin_with_check_digit(f"{GS1_PREFIXES[brand.country]}{company:04d}{item:05d}")


def pack_gtin(*, gtin13: str, pack_quantity: int) -> str:
    """Return the GTIN-14 of a case of ``pack_quantity`` items with barcode ``gtin13``."""
    return gtin_with_check_digit(PACK_INDICATORS[pack_quantity] + gtin13[:12])


def product_specs(*, rng: random.Random, count: int) -> list[ProductSpec]:
    """Generate ``count`` products; product n is the same whatever ``count`` is."""
    if count > MAX_PRODUCTS:
        raise ValueError(f"the demo has barcodes for at most {MAX_PRODUCTS:,} products")
    leaves = department_leaves()
    cum_weights = list(accumulate(leaf.weight for _, leaf in leaves))
    brands = {
        d.code: [(i, b) for i, b in enumerate(BRANDS) if d.code in b.departments]
        for d in DEPARTMENTS
    }
    specs = []
    for number in range(1, count + 1):
        department, leaf = rng.choices(leaves, cum_weights=cum_weights)[0]
        brand_index, brand = rng.choice(brands[department.code])
        adjective = rng.choice(leaf.adjectives or department.adjectives)
        noun = rng.choice(leaf.nouns)
        attributes = {name: rng.choice(values) for name, values in leaf.attributes.items()}
        currency = MARKETS_BY_COUNTRY[brand.country].currency
        low, high = leaf.cost
        cents = Decimal(rng.randint(low * 100, high * 100)) * COST_FACTORS[currency]
        gtin = product_gtin(brand_index=brand_index, brand=brand, number=number)
        pack_quantity = None
        if leaf.multipack and rng.random() < MULTIPACK_SHARE:
            pack_quantity = rng.choice(MULTIPACK_SIZES)
        specs.append(
            ProductSpec(
                sku=f"SKU-{number:06d}",
                name=f"{brand.name} {adjective} {noun}",
                brand=brand.code,
                category=leaf.code,
                vat_class=department.vat_class,
                unit_cost_amount=quantize(cents.scaleb(-2), currency),
                unit_cost_currency=currency,
                attributes=attributes,
                gtin=gtin,
                pack_gtin=pack_gtin(gtin13=gtin, pack_quantity=pack_quantity)
                if pack_quantity
                else None,
                pack_quantity=pack_quantity,
            )
        )
    return specs


def seed_products(*, ctx: SeedContext) -> None:
    """Create the missing products, and the barcodes of the products created now.

    ``ProductGtin.gtin14`` is derived in ``save()``, which ``bulk_create`` skips,
    so it is set here; a barcode someone else already uses is left out.
    """
    specs = product_specs(rng=ctx.rng("products"), count=ctx.config.products)
    existing = set(Product.objects.values_list("sku", flat=True))
    new = [spec for spec in specs if spec.sku not in existing]
    if new:
        brands = dict(Brand.objects.values_list("code", "id"))
        categories = dict(Category.objects.values_list("code", "id"))
        vat_classes = dict(VatClass.objects.values_list("code", "id"))
        ctx.bulk_create(
            Product,
            [
                Product(
                    sku=spec.sku,
                    name=spec.name,
                    brand_id=brands[spec.brand],
                    category_id=categories[spec.category],
                    vat_class_id=vat_classes[spec.vat_class],
                    unit_cost_amount=spec.unit_cost_amount,
                    unit_cost_currency=spec.unit_cost_currency,
                    attributes=spec.attributes,
                )
                for spec in new
            ],
        )
        product_ids = dict(Product.objects.values_list("sku", "id"))
        taken = set(ProductGtin.objects.values_list("gtin14", flat=True))
        gtins = []
        for spec in new:
            barcodes = [(spec.gtin, 1, True)]
            if spec.pack_gtin:
                barcodes.append((spec.pack_gtin, spec.pack_quantity, False))
            for gtin, quantity, primary in barcodes:
                if gtin.zfill(14) not in taken:
                    gtins.append(
                        ProductGtin(
                            product_id=product_ids[spec.sku],
                            gtin=gtin,
                            gtin14=gtin.zfill(14),
                            pack_quantity=quantity,
                            is_primary=primary,
                        )
                    )
        ctx.bulk_create(ProductGtin, gtins)
    ctx.summary["products"] = Product.objects.count()
    ctx.summary["GTINs"] = ProductGtin.objects.count()
