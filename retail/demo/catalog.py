"""Demo steps for the catalogue's frame: VAT classes and rates, brands, the category tree."""

from collections.abc import Iterator

from retail.demo.builder import SeedContext
from retail.demo.data.catalog import BRANDS, DEPARTMENTS, VAT_CLASSES, VAT_RATES, Leaf, Node
from retail.models import Brand, Category, VatClass, VatRate


def seed_vat(*, ctx: SeedContext) -> None:
    """Create the VAT classes and, per country and class that has none yet, its rate history.

    A country's history of a class is written whole or not at all, so a rate
    edited by hand is never met by an overlapping demo period.
    """
    existing = set(VatClass.objects.values_list("code", flat=True))
    ctx.bulk_create(
        VatClass,
        [VatClass(code=code, name=name) for code, name in VAT_CLASSES if code not in existing],
    )
    classes = VatClass.objects.in_bulk([code for code, _ in VAT_CLASSES], field_name="code")
    has_rates = set(VatRate.objects.values_list("country", "vat_class__code").distinct())
    ctx.bulk_create(
        VatRate,
        [
            VatRate(
                country=country,
                vat_class=classes[class_code],
                rate=rate,
                valid_from=valid_from,
                valid_to=valid_to,
            )
            for country, class_code, rate, valid_from, valid_to in VAT_RATES
            if (country, class_code) not in has_rates
        ],
    )
    ctx.shared["vat_classes"] = classes
    ctx.summary["VAT classes"] = VatClass.objects.count()
    ctx.summary["VAT rates"] = VatRate.objects.count()


def seed_brands(*, ctx: SeedContext) -> None:
    """Create the demo brands."""
    existing = set(Brand.objects.values_list("code", flat=True))
    ctx.bulk_create(
        Brand,
        [Brand(code=b.code, name=b.name) for b in BRANDS if b.code not in existing],
    )
    ctx.summary["brands"] = Brand.objects.count()


def category_nodes() -> Iterator[tuple[str | None, str, str, Leaf | None]]:
    """Yield ``(parent code, code, name, leaf)`` for every node, parents before children."""

    def walk(parent: str | None, node: Node | Leaf):
        yield parent, node.code, node.name, node if isinstance(node, Leaf) else None
        for child in getattr(node, "children", ()):
            yield from walk(node.code, child)

    for department in DEPARTMENTS:
        yield None, department.code, department.name, None
        for child in department.children:
            yield from walk(department.code, child)


def seed_categories(*, ctx: SeedContext) -> None:
    """Create the missing nodes of the category tree, each under its parent.

    Treebeard keeps siblings ordered by name, so every insert goes through
    ``add_root``/``add_child`` (a few dozen nodes: one by one is fine).
    """
    nodes = Category.objects.in_bulk(field_name="code")
    created = 0
    for parent_code, code, name, _leaf in category_nodes():
        if code in nodes:
            continue
        fields = {"code": code, "name": name}
        if parent_code is None:
            nodes[code] = Category.objects.add_root(fields)
        else:
            # Treebeard locks and re-reads the parent, so a node object held here stays usable.
            nodes[code] = Category.objects.add_child(nodes[parent_code], fields)
        created += 1
    ctx.count(Category, created)
    ctx.summary["categories"] = Category.objects.count()
