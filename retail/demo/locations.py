"""Demo steps for where the chain sells: channels per market, stores, the warehouse, hours."""

import random
from dataclasses import dataclass, replace
from decimal import Decimal

import phonenumbers

from retail.demo.builder import SeedContext
from retail.demo.data.locations import (
    CITIES,
    CITIES_BY_CODE,
    HANDMADE_STORES,
    HOURS_PROFILES,
    MARKET_CHANNELS,
    MARKETPLACES,
    MARKETS,
    MARKETS_BY_COUNTRY,
    SPECIAL_DAYS,
    WAREHOUSE,
    StoreSeed,
)
from retail.demo.data.people import STORE_EMAIL_DOMAIN
from retail.models import Channel, OpeningHours, SpecialOpeningHours, Store

# Generated stores sit within about 3 km of their city's centre.
JITTER_MICRODEGREES = 30_000


def seed_channels(*, ctx: SeedContext) -> None:
    """Create a webshop, app and POS channel per market, and the marketplaces."""
    wanted = []
    for market in MARKETS:
        for prefix, kind, name in MARKET_CHANNELS:
            wanted.append((f"{prefix}-{market.country}", f"{name} {market.name}", kind, market))
    for code, country, name in MARKETPLACES:
        wanted.append((code, name, Channel.Kind.MARKETPLACE, MARKETS_BY_COUNTRY[country]))
    existing = set(Channel.objects.values_list("code", flat=True))
    ctx.bulk_create(
        Channel,
        [
            Channel(
                code=code,
                name=name,
                kind=kind,
                country=market.country,
                currency=market.currency,
                language=market.language,
            )
            for code, name, kind, market in wanted
            if code not in existing
        ],
    )
    codes = [code for code, *_ in wanted]
    ctx.shared["channels"] = Channel.objects.in_bulk(codes, field_name="code")
    ctx.summary["markets"] = len(MARKETS)
    ctx.summary["channels"] = Channel.objects.count()


@dataclass(frozen=True)
class PlannedStore:
    """A location of the demo plan: the unsaved store and its weekly hours profile."""

    store: Store
    hours: str | None


def store_plan(*, ctx: SeedContext) -> list[PlannedStore]:
    """Return the warehouse and ``ctx.config.stores`` stores, the same on every run.

    The first twelve are hand-made; further stores are spread round-robin over
    the markets and their cities, with coordinates jittered around the centre.
    """
    seeds = [WAREHOUSE, *HANDMADE_STORES[: ctx.config.stores]]
    per_city = {seed.code[3:6]: 1 for seed in HANDMADE_STORES}
    names = {seed.name for seed in HANDMADE_STORES}
    cities_by_country = {m.country: [c for c in CITIES if c.country == m.country] for m in MARKETS}
    for index in range(max(0, ctx.config.stores - len(HANDMADE_STORES))):
        market = MARKETS[index % len(MARKETS)]
        cities = cities_by_country[market.country]
        city = cities[(index // len(MARKETS)) % len(cities)]
        per_city[city.code] = per_city.get(city.code, 0) + 1
        code = f"{market.country}-{city.code}{per_city[city.code]:02d}"
        seeds.append(_generated_store(ctx.rng("store", code), code=code, city_code=city.code))
        if seeds[-1].name in names:
            seeds[-1] = _renamed(seeds[-1])
        names.add(seeds[-1].name)
    return [
        PlannedStore(_store(ctx.rng("store", seed.code, "phone"), seed), seed.hours)
        for seed in seeds
    ]


def _generated_store(rng: random.Random, *, code: str, city_code: str) -> StoreSeed:
    city = CITIES_BY_CODE[city_code]
    street = rng.choice(city.streets)
    number = rng.randint(1, 120)
    latitude = _jitter(rng, city.latitude)
    longitude = _jitter(rng, city.longitude)
    hours = "norway" if city.country == "NO" else rng.choice(("city", "high_street", "mall"))
    return StoreSeed(
        code=code,
        name=f"{city.name} {street}",
        city=city_code,
        street=f"{street} {number}",
        postal_code=city.postal_code,
        latitude=latitude,
        longitude=longitude,
        hours=hours,
        click_and_collect=rng.random() < 0.85,
        ship_from_store=rng.random() < 0.3,
    )


def _renamed(seed: StoreSeed) -> StoreSeed:
    # A second store on the same street is told apart by its house number.
    city = CITIES_BY_CODE[seed.city]
    return replace(seed, name=f"{city.name} {seed.street}")


def _jitter(rng: random.Random, degrees: str) -> str:
    micro = int(Decimal(degrees).scaleb(6)) + rng.randint(-JITTER_MICRODEGREES, JITTER_MICRODEGREES)
    return str(Decimal(micro).scaleb(-6))


def _store(rng: random.Random, seed: StoreSeed) -> Store:
    city = CITIES_BY_CODE[seed.city]
    market = MARKETS_BY_COUNTRY[city.country]
    return Store(
        code=seed.code,
        name=seed.name,
        kind=seed.kind,
        country=market.country,
        time_zone=market.time_zone,
        street=seed.street,
        postal_code=seed.postal_code,
        city=city.name,
        phone=landline(rng, calling_code=market.calling_code, area=city.phone_area,
                       digits=city.phone_digits),
        email=f"{seed.code.lower()}@{STORE_EMAIL_DOMAIN}",
        latitude=Decimal(seed.latitude),
        longitude=Decimal(seed.longitude),
        click_and_collect=seed.click_and_collect,
        ship_from_store=seed.ship_from_store,
    )  # fmt: skip


def landline(rng: random.Random, *, calling_code: str, area: str, digits: int) -> str:
    """Return a valid E.164 number: ``area`` followed by random digits, ``digits`` long."""
    return valid_number(rng, calling_code=calling_code, starts=(area,), digits=digits)


def valid_number(
    rng: random.Random, *, calling_code: str, starts: tuple[str, ...], digits: int
) -> str:
    """Draw national numbers from ``starts`` + random digits until one is valid; E.164."""
    for _attempt in range(1000):
        start = rng.choice(starts)
        rest = digits - len(start)
        number = f"{calling_code}{start}{rng.randrange(10**rest):0{rest}d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number
    raise ValueError(f"no valid {calling_code} number starts with {starts} and has {digits} digits")


def seed_stores(*, ctx: SeedContext) -> None:
    """Create the warehouse and the stores, with weekly hours and special days for new stores."""
    plan = store_plan(ctx=ctx)
    existing = set(Store.objects.values_list("code", flat=True))
    new = [planned for planned in plan if planned.store.code not in existing]
    ctx.bulk_create(Store, [planned.store for planned in new])
    stores = Store.objects.in_bulk([planned.store.code for planned in plan], field_name="code")
    hours, special = [], []
    for planned in new:
        store = stores[planned.store.code]
        for weekday, span in enumerate(HOURS_PROFILES.get(planned.hours) or ()):
            if span:
                hours.append(
                    OpeningHours(store=store, weekday=weekday, opens_at=span[0], closes_at=span[1])
                )
        if store.kind != Store.Kind.STORE:
            continue
        for country, day, span, note in SPECIAL_DAYS:
            if country in (None, store.country.code):
                special.append(
                    SpecialOpeningHours(
                        store=store,
                        date=day,
                        is_closed=span is None,
                        opens_at=span[0] if span else None,
                        closes_at=span[1] if span else None,
                        note=note,
                    )
                )
    ctx.bulk_create(OpeningHours, hours)
    ctx.bulk_create(SpecialOpeningHours, special)
    ctx.shared["stores"] = [stores[planned.store.code] for planned in plan]
    ctx.summary["stores"] = Store.objects.filter(kind=Store.Kind.STORE).count()
    ctx.summary["warehouses"] = Store.objects.filter(kind=Store.Kind.WAREHOUSE).count()
