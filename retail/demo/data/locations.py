"""Markets, channels, cities and stores of the demo chain, with real places and coordinates."""

from dataclasses import dataclass
from datetime import date, time

DEMO_YEAR = 2026


@dataclass(frozen=True)
class Market:
    country: str
    name: str
    currency: str
    language: str
    time_zone: str
    calling_code: str


MARKETS = (
    Market("DK", "Denmark", "DKK", "da", "Europe/Copenhagen", "+45"),
    Market("SE", "Sweden", "SEK", "sv", "Europe/Stockholm", "+46"),
    Market("NO", "Norway", "NOK", "nb", "Europe/Oslo", "+47"),
)
MARKETS_BY_COUNTRY = {market.country: market for market in MARKETS}

# (code prefix, Channel.Kind value, name prefix): one channel of each per market.
MARKET_CHANNELS = (
    ("WEB", "webshop", "Webshop"),
    ("APP", "app", "App"),
    ("POS", "pos", "Stores"),
)
# (code, country, name): marketplaces we sell through.
MARKETPLACES = (("MKT-DK", "DK", "Marketplace Denmark"),)


@dataclass(frozen=True)
class City:
    """A real city: centre coordinates, a central postal code, shopping streets.

    ``phone_area`` starts the national number of a landline there; ``phone_digits``
    is the length of the whole national number.
    """

    country: str
    code: str
    name: str
    postal_code: str
    latitude: str
    longitude: str
    phone_area: str
    phone_digits: int
    streets: tuple[str, ...]


_DK_STREETS = ("Vestergade", "Søndergade", "Algade", "Torvet", "Jernbanegade", "Nørregade")
_SE_STREETS = ("Storgatan", "Drottninggatan", "Kungsgatan", "Köpmangatan", "Stora Torget")
_NO_STREETS = ("Storgata", "Kongens gate", "Torggata", "Dronningens gate", "Kirkegata")

CITIES = (
    # Denmark
    City("DK", "CPH", "København", "1150", "55.680600", "12.577500", "33", 8,
         ("Købmagergade", "Østergade", "Vesterbrogade", "Nørrebrogade", "Amagerbrogade")),
    City("DK", "AAR", "Aarhus", "8000", "56.153500", "10.208000", "86", 8,
         ("Søndergade", "Ryesgade", "Frederiksgade", "Guldsmedgade")),
    City("DK", "ODE", "Odense", "5000", "55.395900", "10.383800", "66", 8,
         ("Vestergade", "Kongensgade", "Overgade")),
    City("DK", "AAL", "Aalborg", "9000", "57.047500", "9.921700", "98", 8,
         ("Bispensgade", "Algade", "Boulevarden")),
    City("DK", "ESB", "Esbjerg", "6700", "55.467000", "8.451900", "75", 8,
         ("Kongensgade", "Torvegade", "Skolegade")),
    City("DK", "RAN", "Randers", "8900", "56.460700", "10.036400", "86", 8, _DK_STREETS),
    City("DK", "KOL", "Kolding", "6000", "55.490400", "9.472200", "75", 8, _DK_STREETS),
    City("DK", "VEJ", "Vejle", "7100", "55.709200", "9.536000", "75", 8, _DK_STREETS),
    City("DK", "ROS", "Roskilde", "4000", "55.641900", "12.080300", "46", 8,
         ("Algade", "Skomagergade", "Hestetorvet")),
    City("DK", "HER", "Herning", "7400", "56.138600", "8.967400", "97", 8, _DK_STREETS),
    City("DK", "FRC", "Fredericia", "7000", "55.565600", "9.752600", "75", 8, _DK_STREETS),
    # Sweden
    City("SE", "STO", "Stockholm", "111 21", "59.332600", "18.062800", "8", 9,
         ("Drottninggatan", "Hamngatan", "Götgatan", "Sankt Eriksgatan", "Biblioteksgatan")),
    City("SE", "GOT", "Göteborg", "411 19", "57.704500", "11.964500", "31", 9,
         ("Kungsgatan", "Fredsgatan", "Vallgatan", "Linnégatan")),
    City("SE", "MAL", "Malmö", "211 34", "55.604000", "13.000700", "40", 9,
         ("Södergatan", "Södra Förstadsgatan", "Baltzarsgatan")),
    City("SE", "UPP", "Uppsala", "753 20", "59.859700", "17.638900", "18", 9,
         ("Svartbäcksgatan", "Kungsgatan", "Dragarbrunnsgatan")),
    City("SE", "VAS", "Västerås", "722 15", "59.610000", "16.544800", "21", 9, _SE_STREETS),
    City("SE", "ORE", "Örebro", "702 10", "59.275300", "15.213400", "19", 9, _SE_STREETS),
    City("SE", "LIN", "Linköping", "582 24", "58.410800", "15.621400", "13", 9, _SE_STREETS),
    City("SE", "HEL", "Helsingborg", "252 21", "56.046500", "12.694500", "42", 9, _SE_STREETS),
    City("SE", "JON", "Jönköping", "553 20", "57.782600", "14.161800", "36", 9, _SE_STREETS),
    City("SE", "UME", "Umeå", "903 26", "63.825800", "20.263000", "90", 9, _SE_STREETS),
    # Norway
    City("NO", "OSL", "Oslo", "0159", "59.912700", "10.744600", "22", 8,
         ("Karl Johans gate", "Bogstadveien", "Grensen", "Torggata", "Markveien")),
    City("NO", "BGO", "Bergen", "5013", "60.394300", "5.323000", "55", 8,
         ("Strandgaten", "Torgallmenningen", "Olav Kyrres gate")),
    City("NO", "TRD", "Trondheim", "7011", "63.432500", "10.396300", "73", 8,
         ("Nordre gate", "Olav Tryggvasons gate", "Thomas Angells gate")),
    City("NO", "SVG", "Stavanger", "4006", "58.970000", "5.733100", "51", 8,
         ("Kirkegata", "Klubbgata", "Søregata")),
    City("NO", "KRS", "Kristiansand", "4611", "58.146700", "7.995600", "38", 8,
         ("Markens gate", "Dronningens gate", "Skippergata")),
    City("NO", "DRM", "Drammen", "3015", "59.744000", "10.204500", "32", 8, _NO_STREETS),
    City("NO", "FRE", "Fredrikstad", "1606", "59.218100", "10.929800", "69", 8, _NO_STREETS),
    City("NO", "TOS", "Tromsø", "9008", "69.649200", "18.955300", "77", 8,
         ("Storgata", "Grønnegata", "Sjøgata")),
    City("NO", "AES", "Ålesund", "6002", "62.472200", "6.149500", "70", 8, _NO_STREETS),
    City("NO", "BOO", "Bodø", "8006", "67.280400", "14.404900", "75", 8, _NO_STREETS),
)  # fmt: skip
CITIES_BY_CODE = {city.code: city for city in CITIES}

# Weekly hours by profile, Monday first; None is closed.  Norway's shop-opening
# law keeps most stores closed on Sundays; Danish and Swedish city stores open.
_H = time


def _span(opens: int, closes: int) -> tuple[time, time]:
    return _H(opens), _H(closes)


HOURS_PROFILES = {
    "city": (*[_span(10, 19)] * 4, _span(10, 20), _span(10, 18), _span(11, 17)),
    "high_street": (*[_span(10, 18)] * 4, _span(10, 19), _span(10, 16), None),
    "mall": (*[_span(10, 20)] * 5, _span(10, 18), _span(10, 18)),
    "norway": (*[_span(10, 20)] * 5, _span(10, 18), None),
}


@dataclass(frozen=True)
class StoreSeed:
    """A hand-made location: a real street address and the coordinates of that street."""

    code: str
    name: str
    city: str
    street: str
    postal_code: str
    latitude: str
    longitude: str
    hours: str | None
    click_and_collect: bool
    ship_from_store: bool
    kind: str = "store"


# Ordered so that the first few stores cover all three markets.
HANDMADE_STORES = (
    StoreSeed("DK-CPH01", "København Købmagergade", "CPH", "Købmagergade 22", "1150",
              "55.680900", "12.576900", "city", True, True),
    StoreSeed("SE-STO01", "Stockholm Drottninggatan", "STO", "Drottninggatan 50", "111 21",
              "59.333600", "18.063500", "city", True, True),
    StoreSeed("NO-OSL01", "Oslo Karl Johans gate", "OSL", "Karl Johans gate 20", "0159",
              "59.912900", "10.742800", "norway", True, True),
    StoreSeed("DK-AAR01", "Aarhus Søndergade", "AAR", "Søndergade 20", "8000",
              "56.153900", "10.207400", "city", True, False),
    StoreSeed("SE-GOT01", "Göteborg Kungsgatan", "GOT", "Kungsgatan 40", "411 19",
              "57.704300", "11.963100", "city", True, False),
    StoreSeed("NO-BGO01", "Bergen Strandgaten", "BGO", "Strandgaten 15", "5013",
              "60.394100", "5.322300", "norway", True, False),
    StoreSeed("DK-ODE01", "Odense Vestergade", "ODE", "Vestergade 30", "5000",
              "55.395600", "10.383200", "high_street", True, False),
    StoreSeed("SE-MAL01", "Malmö Södergatan", "MAL", "Södergatan 10", "211 34",
              "55.604500", "13.001500", "city", True, True),
    StoreSeed("NO-TRD01", "Trondheim Nordre gate", "TRD", "Nordre gate 10", "7011",
              "63.432700", "10.396700", "norway", True, False),
    StoreSeed("DK-AAL01", "Aalborg Bispensgade", "AAL", "Bispensgade 20", "9000",
              "57.048100", "9.920600", "high_street", False, False),
    StoreSeed("SE-UPP01", "Uppsala Svartbäcksgatan", "UPP", "Svartbäcksgatan 8", "753 20",
              "59.860500", "17.638600", "high_street", True, False),
    StoreSeed("NO-SVG01", "Stavanger Kirkegata", "SVG", "Kirkegata 20", "4006",
              "58.970100", "5.732100", "norway", False, False),
)  # fmt: skip

# The central warehouse in Taulov, by the E20/E45 junction near Fredericia.
WAREHOUSE = StoreSeed(
    "DK-WH01", "Central warehouse Taulov", "FRC", "Egeskovvej 12", "7000",
    "55.544900", "9.615000", None, False, True, kind="warehouse",
)  # fmt: skip

# Dates that differ from the weekly hours: (country or None for all, date, span or None, note).
SPECIAL_DAYS = (
    (None, date(DEMO_YEAR, 12, 24), None, "Christmas Eve"),
    (None, date(DEMO_YEAR, 12, 25), None, "Christmas Day"),
    (None, date(DEMO_YEAR, 12, 26), None, "Boxing Day"),
    (None, date(DEMO_YEAR, 12, 31), _span(10, 14), "New Year's Eve"),
    (None, date(DEMO_YEAR + 1, 1, 1), None, "New Year's Day"),
    ("DK", date(DEMO_YEAR, 6, 5), _span(12, 18), "Constitution Day"),
    ("SE", date(DEMO_YEAR, 6, 19), _span(10, 14), "Midsummer Eve"),
    ("NO", date(DEMO_YEAR, 5, 17), None, "Constitution Day"),
)
