"""Nordic first and last names, phone number shapes and the customer groups of the demo."""

# Common names in each market (first names mixed female and male).
FIRST_NAMES = {
    "DK": ("Mette", "Anne", "Sofie", "Ida", "Freja", "Camilla", "Louise", "Emma", "Karen",
           "Signe", "Lars", "Søren", "Mads", "Rasmus", "Jens", "Anders", "Mikkel", "Frederik",
           "Christian", "Niels"),
    "SE": ("Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Elin", "Ebba", "Linnea", "Maja",
           "Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Nils", "Oskar", "Gustav", "Björn"),
    "NO": ("Ingrid", "Kari", "Nora", "Emma", "Sofie", "Marit", "Liv", "Solveig", "Ida",
           "Hanne", "Ole", "Lars", "Jon", "Knut", "Magnus", "Henrik", "Sindre", "Eirik",
           "Håkon", "Tor"),
}  # fmt: skip
LAST_NAMES = {
    "DK": ("Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
           "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
           "Thomsen", "Møller", "Poulsen", "Johansen", "Knudsen", "Mortensen"),
    "SE": ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
           "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg",
           "Lindström", "Lindqvist", "Bergström", "Lundgren", "Holm", "Söderberg", "Åberg"),
    "NO": ("Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
           "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg",
           "Haugen", "Hagen", "Bakken", "Dahl", "Solberg", "Lie"),
}  # fmt: skip

# How a name becomes the local part of an e-mail address.
ASCII_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "ä": "a", "ö": "o", "é": "e"})

# Reserved example domains (RFC 2606): demo mail can never reach a real person.
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
STAFF_EMAIL_DOMAIN = "staff.example.com"
STORE_EMAIL_DOMAIN = "stores.example.com"

# Mobile number starts, by market; the rest of the national number is random digits.
MOBILE_PREFIXES = {
    "DK": ("20", "21", "22", "26", "28", "30", "31", "40", "42", "50", "51", "53", "60", "61"),
    "SE": ("70", "72", "73", "76", "79"),
    "NO": ("4", "9"),
}
MOBILE_DIGITS = {"DK": 8, "SE": 9, "NO": 8}

# Share of customers in each market.
MARKET_WEIGHTS = {"DK": 40, "SE": 35, "NO": 25}

# (code, name, CustomerGroup.Kind value)
CUSTOMER_GROUPS = (
    ("MEMBER", "Club members", "member"),
    ("SILVER", "Silver tier", "tier"),
    ("GOLD", "Gold tier", "tier"),
    ("EMPLOYEE", "Employees", "employee"),
    ("B2B-ACME", "ACME Facility Services A/S", "b2b_contract"),
)

# Where a consent was given, by the channel kind it came through.
CONSENT_SOURCES = {"WEB": "checkout", "APP": "app sign-up", "POS": "in store"}
