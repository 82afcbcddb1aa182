"""The demo catalogue: VAT classes and rates, brands, the category tree, product name parts."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# --- VAT ------------------------------------------------------------------
# (code, name)
VAT_CLASSES = (
    ("STANDARD", "Standard rate"),
    ("FOOD", "Food and non-alcoholic drinks"),
    ("REDUCED", "Books and press"),
    ("ZERO", "Zero rate"),
)

# Rates before the demo's history starts are left out: every period opens on this day.
VAT_HISTORY_START = date(2020, 1, 1)

# (country, class, rate, valid_from, valid_to): valid_to is the first day no longer valid.
# Sweden halves its food VAT from 1 April 2026 (announced as temporary, end not yet
# in law); Denmark has no reduced rates; Norway zero-rates books.
VAT_RATES = (
    ("DK", "STANDARD", Decimal("25.00"), VAT_HISTORY_START, None),
    ("DK", "FOOD", Decimal("25.00"), VAT_HISTORY_START, None),
    ("DK", "REDUCED", Decimal("25.00"), VAT_HISTORY_START, None),
    ("DK", "ZERO", Decimal("0.00"), VAT_HISTORY_START, None),
    ("SE", "STANDARD", Decimal("25.00"), VAT_HISTORY_START, None),
    ("SE", "FOOD", Decimal("12.00"), VAT_HISTORY_START, date(2026, 4, 1)),
    ("SE", "FOOD", Decimal("6.00"), date(2026, 4, 1), None),
    ("SE", "REDUCED", Decimal("6.00"), VAT_HISTORY_START, None),
    ("SE", "ZERO", Decimal("0.00"), VAT_HISTORY_START, None),
    ("NO", "STANDARD", Decimal("25.00"), VAT_HISTORY_START, None),
    ("NO", "FOOD", Decimal("15.00"), VAT_HISTORY_START, None),
    ("NO", "REDUCED", Decimal("0.00"), VAT_HISTORY_START, None),
    ("NO", "ZERO", Decimal("0.00"), VAT_HISTORY_START, None),
)

# --- Brands ---------------------------------------------------------------


@dataclass(frozen=True)
class BrandSeed:
    code: str
    name: str
    country: str
    departments: tuple[str, ...]


# Invented names; the country decides the GS1 prefix of the brand's barcodes.
BRANDS = (
    BrandSeed("NORDHEM", "Nordhem", "DK", ("HOME",)),
    BrandSeed("LYSGAARD", "Lysgaard", "DK", ("HOME",)),
    BrandSeed("BIRK-CO", "Birk & Co", "DK", ("HOME",)),
    BrandSeed("KOBBERDAL", "Kobberdal", "DK", ("HOME",)),
    BrandSeed("SOLVIK", "Solvik", "SE", ("HOME",)),
    BrandSeed("EKBACKA", "Ekbacka", "SE", ("HOME",)),
    BrandSeed("GLASBRUK", "Glasbruk", "SE", ("HOME",)),
    BrandSeed("TINDVED", "Tindved", "NO", ("HOME",)),
    BrandSeed("FJALLVIND", "Fjällvind", "SE", ("CLOTHING", "SPORT")),
    BrandSeed("KYSTLINE", "Kystline", "NO", ("CLOTHING",)),
    BrandSeed("RAVNSBORG", "Ravnsborg", "DK", ("CLOTHING",)),
    BrandSeed("HAVBRIS", "Havbris", "NO", ("CLOTHING",)),
    BrandSeed("SKARGARD", "Skärgård Studio", "SE", ("CLOTHING",)),
    BrandSeed("ULVFJELL", "Ulvfjell", "NO", ("CLOTHING", "SPORT")),
    BrandSeed("MOLLEBAKKEN", "Møllebakken", "DK", ("CLOTHING",)),
    BrandSeed("VINTERLYS", "Vinterlys", "DK", ("CLOTHING",)),
    BrandSeed("ASA-EBBE", "Åsa & Ebbe", "SE", ("CLOTHING",)),
    BrandSeed("LILLEMUS", "Lillemus", "DK", ("CLOTHING",)),
    BrandSeed("ROSTGAARD", "Rostgaard Kaffe", "DK", ("FOOD",)),
    BrandSeed("FJELLBRENT", "Fjellbrent", "NO", ("FOOD",)),
    BrandSeed("ROSTERI-SODER", "Rosteri Söder", "SE", ("FOOD",)),
    BrandSeed("SKAFFERIET", "Skafferiet", "SE", ("FOOD",)),
    BrandSeed("MOLLERIET", "Mølleriet", "DK", ("FOOD",)),
    BrandSeed("HAVSALT", "Havsalt", "NO", ("FOOD",)),
    BrandSeed("SOLBAER", "Solbær", "NO", ("FOOD",)),
    BrandSeed("BONDEGAARD", "Bondegaard", "DK", ("FOOD",)),
    BrandSeed("SOTSAKSBODEN", "Sötsaksboden", "SE", ("FOOD",)),
    BrandSeed("TANGGRON", "Tanggrøn", "DK", ("BEAUTY",)),
    BrandSeed("FJELLROSE", "Fjellrose", "NO", ("BEAUTY",)),
    BrandSeed("LINDBLOM", "Lindblom Care", "SE", ("BEAUTY",)),
    BrandSeed("HAVTORN", "Havtorn", "SE", ("BEAUTY",)),
    BrandSeed("DUGG", "Dugg", "SE", ("BEAUTY",)),
    BrandSeed("FJELLTOPP", "Fjelltopp", "NO", ("SPORT",)),
    BrandSeed("VILDMARK", "Vildmark", "SE", ("SPORT",)),
    BrandSeed("KJOLEN", "Kjølen", "NO", ("SPORT",)),
    BrandSeed("NORDKAP", "Nordkap Gear", "NO", ("SPORT",)),
    BrandSeed("FJORDFORLAGET", "Fjordforlaget", "NO", ("BOOKS",)),
    BrandSeed("LINDQVIST-EK", "Lindqvist & Ek", "SE", ("BOOKS",)),
    BrandSeed("BOGSTAVEN", "Forlaget Bogstaven", "DK", ("BOOKS",)),
    BrandSeed("PAPIRHUSET", "Papirhuset", "DK", ("BOOKS", "HOME")),
)

# GS1 country prefixes: 570-579 Denmark, 730-739 Sweden, 700-709 Norway.
GS1_PREFIXES = {"DK": "570", "SE": "735", "NO": "709"}

# --- Category tree --------------------------------------------------------

_CLOTHES_COLOURS = ("black", "navy", "olive", "sand", "grey melange", "forest green", "rust")
_HOME_COLOURS = ("white", "sand", "grey", "sage", "midnight blue", "terracotta", "black")
_ADULT_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
_KIDS_SIZES = ("86", "92", "98", "104", "110", "116", "122", "128", "134", "140")


@dataclass(frozen=True)
class Leaf:
    """A category products hang in, with what their names and attributes are made of.

    ``cost`` is the unit cost range in whole units of the brand's currency;
    ``weight`` is the leaf's relative share of the products; ``multipack``
    means the product is also sold in cases of 6 or 12 with their own GTIN.
    """

    code: str
    name: str
    nouns: tuple[str, ...]
    attributes: dict[str, tuple] = field(default_factory=dict)
    cost: tuple[int, int] = (20, 200)
    weight: int = 10
    multipack: bool = False
    adjectives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    children: tuple["Node | Leaf", ...]


@dataclass(frozen=True)
class Department:
    """A root of the tree: its VAT class and the adjectives its product names use."""

    code: str
    name: str
    vat_class: str
    adjectives: tuple[str, ...]
    children: tuple[Node | Leaf, ...]


_CLOTHES = {"colour": _CLOTHES_COLOURS, "size": _ADULT_SIZES}

DEPARTMENTS = (
    Department("HOME", "Home", "STANDARD",
        ("Classic", "Nordic", "Essential", "Rustic", "Minimal", "Everyday", "Signature"), (
        Node("HOME-KITCHEN", "Kitchen", (
            Leaf("HOME-COOKWARE", "Cookware",
                 ("Frying Pan", "Saucepan", "Casserole", "Wok", "Stockpot", "Sauté Pan"),
                 {"material": ("stainless steel", "cast iron", "carbon steel", "aluminium"),
                  "diameter_cm": (20, 24, 26, 28, 32)}, (90, 650), 8),
            Leaf("HOME-KNIVES", "Knives",
                 ("Chef's Knife", "Bread Knife", "Paring Knife", "Santoku Knife", "Knife Block"),
                 {"blade_cm": (9, 13, 15, 20, 23)}, (60, 700), 5),
            Leaf("HOME-TABLEWARE", "Tableware",
                 ("Dinner Plate", "Deep Plate", "Bowl", "Mug", "Carafe", "Tumbler"),
                 {"colour": _HOME_COLOURS, "material": ("stoneware", "porcelain", "glass")},
                 (15, 180), 9, multipack=True),
        )),
        Node("HOME-TEXTILES", "Home textiles", (
            Leaf("HOME-BEDDING", "Bedding",
                 ("Duvet Cover", "Pillowcase", "Fitted Sheet", "Duvet", "Pillow"),
                 {"colour": _HOME_COLOURS, "size": ("140x200", "140x220", "200x220", "60x63")},
                 (60, 900), 7),
            Leaf("HOME-BATH", "Bath",
                 ("Bath Towel", "Hand Towel", "Guest Towel", "Bath Mat", "Bathrobe"),
                 {"colour": _HOME_COLOURS, "material": ("cotton", "linen", "waffle cotton")},
                 (20, 350), 6),
        )),
        Leaf("HOME-LIGHTING", "Lighting",
             ("Table Lamp", "Floor Lamp", "Pendant Lamp", "Wall Lamp", "Candle Holder"),
             {"colour": ("black", "white", "brass", "oak", "opal")}, (40, 1200), 6),
    )),
    Department("CLOTHING", "Clothing", "STANDARD",
        ("Classic", "Merino", "Organic", "Relaxed", "Recycled", "Lightweight", "Heritage"), (
        Node("CLO-WOMEN", "Women", (
            Leaf("CLO-W-JACKETS", "Jackets",
                 ("Rain Jacket", "Parka", "Down Jacket", "Wool Coat", "Softshell Jacket"),
                 _CLOTHES, (250, 1400), 9),
            Leaf("CLO-W-KNIT", "Knitwear", ("Sweater", "Cardigan", "Turtleneck", "Knit Vest"),
                 _CLOTHES, (120, 600), 8),
            Leaf("CLO-W-DRESSES", "Dresses and skirts",
                 ("Midi Dress", "Shirt Dress", "Wrap Dress", "Pleated Skirt"),
                 _CLOTHES, (150, 700), 7),
        )),
        Node("CLO-MEN", "Men", (
            Leaf("CLO-M-JACKETS", "Jackets",
                 ("Rain Jacket", "Parka", "Down Jacket", "Overshirt", "Field Jacket"),
                 _CLOTHES, (250, 1400), 9),
            Leaf("CLO-M-SHIRTS", "Shirts",
                 ("Oxford Shirt", "Flannel Shirt", "Linen Shirt", "Polo Shirt", "T-Shirt"),
                 _CLOTHES, (60, 400), 8),
            Leaf("CLO-M-TROUSERS", "Trousers",
                 ("Chinos", "Jeans", "Cargo Trousers", "Wool Trousers"), _CLOTHES, (150, 600), 7),
        )),
        Node("CLO-KIDS", "Kids", (
            Leaf("CLO-K-OUTER", "Outerwear", ("Rain Suit", "Snowsuit", "Fleece Jacket"),
                 {"colour": _CLOTHES_COLOURS, "size": _KIDS_SIZES}, (120, 700), 6),
            Leaf("CLO-K-BASICS", "Basics", ("Bodysuit", "Leggings", "Sweatshirt", "Pyjamas"),
                 {"colour": _CLOTHES_COLOURS, "size": _KIDS_SIZES}, (30, 200), 6),
        )),
        Leaf("CLO-ACCESSORIES", "Accessories", ("Beanie", "Scarf", "Mittens", "Wool Socks"),
             {"colour": _CLOTHES_COLOURS, "size": ("one size",)}, (25, 250), 6, multipack=True),
    )),
    Department("FOOD", "Food and drink", "FOOD",
        ("Organic", "Classic", "Nordic", "Artisan", "Original", "Premium"), (
        Node("FOOD-COFFEE", "Coffee and tea", (
            Leaf("FOOD-COFFEE-BEANS", "Coffee beans",
                 ("Espresso Beans", "Medium Roast Beans", "Dark Roast Beans"),
                 {"weight_g": (250, 500, 1000),
                  "origin": ("Ethiopia", "Colombia", "Brazil", "Guatemala", "Kenya")},
                 (25, 140), 5, multipack=True, adjectives=("Organic", "Fairtrade", "House")),
            Leaf("FOOD-COFFEE-GROUND", "Ground coffee",
                 ("Filter Coffee", "Espresso Grind", "French Press Coffee"),
                 {"weight_g": (250, 400, 500)}, (18, 80), 4, multipack=True,
                 adjectives=("Organic", "Fairtrade", "Morning", "House")),
            Leaf("FOOD-TEA", "Tea", ("Black Tea", "Green Tea", "Herbal Tea", "Rooibos", "Chai"),
                 {"tea_bags": (20, 40, 100)}, (12, 60), 3),
        )),
        Node("FOOD-PANTRY", "Pantry", (
            Leaf("FOOD-PASTA", "Pasta and rice",
                 ("Spaghetti", "Penne", "Fusilli", "Jasmine Rice", "Risotto Rice"),
                 {"weight_g": (500, 1000)}, (8, 40), 3, multipack=True),
            Leaf("FOOD-OILS", "Oils and vinegar",
                 ("Olive Oil", "Rapeseed Oil", "Balsamic Vinegar", "Apple Cider Vinegar"),
                 {"volume_ml": (250, 500, 750)}, (20, 120), 3),
            Leaf("FOOD-SPICES", "Spices",
                 ("Sea Salt", "Black Pepper", "Cinnamon", "Cardamom", "Smoked Paprika"),
                 {"weight_g": (40, 75, 100)}, (10, 50), 3),
        )),
        Leaf("FOOD-SWEETS", "Chocolate and sweets",
             ("Dark Chocolate", "Milk Chocolate", "Salt Liquorice", "Caramels", "Marzipan Bar"),
             {"weight_g": (70, 100, 150, 250)}, (8, 60), 5, multipack=True),
        Leaf("FOOD-DRINKS", "Drinks",
             ("Apple Juice", "Elderflower Cordial", "Sparkling Water", "Lingonberry Drink"),
             {"volume_ml": (330, 500, 750, 1000)}, (6, 35), 4, multipack=True),
    )),
    Department("BEAUTY", "Beauty and care", "STANDARD",
        ("Gentle", "Hydrating", "Nordic", "Sensitive", "Fragrance-free", "Daily", "Pure"), (
        Leaf("BEAUTY-SKIN", "Skincare",
             ("Face Cream", "Cleansing Gel", "Serum", "Hand Cream", "Body Lotion", "Lip Balm"),
             {"volume_ml": (15, 30, 50, 100, 200)}, (20, 250), 6, multipack=True),
        Leaf("BEAUTY-HAIR", "Hair care", ("Shampoo", "Conditioner", "Hair Mask", "Dry Shampoo"),
             {"volume_ml": (200, 250, 500)}, (20, 150), 4),
    )),
    Department("SPORT", "Sport and outdoor", "STANDARD",
        ("Trail", "Alpine", "Lightweight", "Expedition", "Urban", "Arctic", "Compact"), (
        Node("SPORT-OUTDOOR", "Outdoor", (
            Leaf("SPORT-CAMPING", "Camping",
                 ("Tent", "Sleeping Bag", "Sleeping Mat", "Camping Stove", "Headlamp"),
                 {"colour": ("orange", "green", "grey", "blue")}, (80, 2500), 5),
            Leaf("SPORT-BAGS", "Backpacks", ("Daypack", "Hiking Backpack", "Duffel Bag"),
                 {"colour": ("black", "olive", "navy", "red"), "volume_l": (20, 30, 45, 65)},
                 (150, 1500), 4),
        )),
        Leaf("SPORT-FITNESS", "Fitness",
             ("Yoga Mat", "Kettlebell", "Resistance Band", "Foam Roller", "Water Bottle"),
             {"colour": ("black", "purple", "teal", "grey")}, (40, 500), 4),
    )),
    Department("BOOKS", "Books", "REDUCED",
        ("Nordic", "Everyday", "Big", "Little", "Complete", "Illustrated"), (
        Leaf("BOOKS-COOKING", "Cooking and lifestyle",
             ("Cookbook", "Baking Book", "Garden Handbook", "Travel Guide"),
             {"language": ("da", "sv", "nb", "en"), "format": ("hardback", "paperback")},
             (60, 250), 3),
        Leaf("BOOKS-FICTION", "Fiction", ("Crime Novel", "Short Story Collection", "Novel"),
             {"language": ("da", "sv", "nb", "en"), "format": ("hardback", "paperback")},
             (40, 180), 3),
        Leaf("BOOKS-KIDS", "Children's books",
             ("Picture Book", "Colouring Book", "Puzzle Book", "Bedtime Stories"),
             {"language": ("da", "sv", "nb")}, (30, 140), 3),
    )),
)  # fmt: skip


def department_leaves() -> list[tuple[Department, Leaf]]:
    """Every leaf of the tree with its department, in tree order."""

    def walk(department: Department, node: Node | Leaf):
        if isinstance(node, Leaf):
            yield department, node
        else:
            for child in node.children:
                yield from walk(department, child)

    return [pair for d in DEPARTMENTS for child in d.children for pair in walk(d, child)]


# Share of products in multipack-able leaves that also get a case GTIN (about 5% overall).
MULTIPACK_SHARE = 0.2
MULTIPACK_SIZES = (6, 12)
