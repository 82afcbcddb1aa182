"""Demo steps for customers: groups, profiles, consents with their history, external ids.

Customers are generated first (no database) and then written in bulk; a
customer is known again by e-mail or, without one, by phone number.
"""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from stdnum import luhn

from retail.demo.builder import DEMO_EPOCH, SeedContext
from retail.demo.data.locations import MARKETS, MARKETS_BY_COUNTRY
from retail.demo.data.people import (
    ASCII_FOLD,
    CONSENT_SOURCES,
    CUSTOMER_GROUPS,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    MARKET_WEIGHTS,
    MOBILE_DIGITS,
    MOBILE_PREFIXES,
)
from retail.demo.locations import valid_number
from retail.models import (
    Customer,
    CustomerConsentEvent,
    CustomerExternalId,
    CustomerGroup,
    CustomerGroupMembership,
)

DAY = 86_400
# B2B contract period of the ACME employees' customer accounts.
B2B_PERIOD = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def seed_customer_groups(*, ctx: SeedContext) -> None:
    """Create the member, tier, employee and B2B contract groups."""
    existing = set(CustomerGroup.objects.values_list("code", flat=True))
    ctx.bulk_create(
        CustomerGroup,
        [
            CustomerGroup(code=code, name=name, kind=kind)
            for code, name, kind in CUSTOMER_GROUPS
            if code not in existing
        ],
    )
    ctx.summary["customer groups"] = CustomerGroup.objects.count()


@dataclass(frozen=True)
class ConsentSpec:
    """A consent granted at ``granted_at`` through ``channel``, maybe withdrawn later."""

    kind: str
    channel: str
    granted_at: datetime
    withdrawn_at: datetime | None = None


@dataclass(frozen=True)
class CustomerSpec:
    public_id: uuid.UUID
    country: str
    first_name: str
    last_name: str
    email: str
    phone: str
    preferred_store: str | None
    member_number: str | None
    consents: tuple[ConsentSpec, ...] = ()
    groups: tuple[tuple[str, datetime | None, datetime | None], ...] = ()
    external_ids: tuple[tuple[str, str, str], ...] = ()


@dataclass
class _Taken:
    """Values already handed out in this generation run, so that each stays unique."""

    emails: dict[str, int] = field(default_factory=dict)
    phones: set[str] = field(default_factory=set)
    member_numbers: set[str] = field(default_factory=set)
    external_ids: set[str] = field(default_factory=set)


def _unique(rng: random.Random, taken: set[str], draw: Callable[[random.Random], str]) -> str:
    value = draw(rng)
    while value in taken:
        value = draw(rng)
    taken.add(value)
    return value


def _luhn(digits: str) -> str:
    return digits + luhn.calc_check_digit(digits)


def _mobile(rng: random.Random, country: str) -> str:
    return valid_number(
        rng,
        calling_code=MARKETS_BY_COUNTRY[country].calling_code,
        starts=MOBILE_PREFIXES[country],
        digits=MOBILE_DIGITS[country],
    )


def _before_epoch(rng: random.Random, *, days: int) -> datetime:
    return DEMO_EPOCH - timedelta(seconds=rng.randrange(days * DAY))


def customer_specs(
    *, rng: random.Random, count: int, stores_by_country: dict[str, list[str]]
) -> list[CustomerSpec]:
    """Generate ``count`` customers; customer n depends only on the customers before it.

    Every draw that decides something is made whatever the outcome of earlier
    ones (the preferred store is an index taken modulo the market's stores), so
    the number of stores does not shift the rest of a customer.
    """
    taken = _Taken()
    return [
        _customer_spec(rng, taken=taken, stores_by_country=stores_by_country) for _ in range(count)
    ]


def _customer_spec(
    rng: random.Random, *, taken: _Taken, stores_by_country: dict[str, list[str]]
) -> CustomerSpec:
    country = rng.choices(list(MARKET_WEIGHTS), weights=list(MARKET_WEIGHTS.values()))[0]
    first, last = rng.choice(FIRST_NAMES[country]), rng.choice(LAST_NAMES[country])
    public_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    # Most sign up with an e-mail; a few in store give only a phone number.
    has_email, has_phone = rng.random() < 0.96, rng.random() < 0.9
    email = ""
    if has_email:
        local = f"{first}.{last}".lower().translate(ASCII_FOLD).replace(" ", "")
        taken.emails[local] = seen = taken.emails.get(local, 0) + 1
        email = f"{local}{seen if seen > 1 else ''}@{rng.choice(EMAIL_DOMAINS)}"
    phone = ""
    if has_phone or not has_email:
        phone = _unique(rng, taken.phones, lambda r: _mobile(r, country))
    stores = stores_by_country.get(country) or [None]
    preferred_store = stores[rng.randrange(1 << 30) % len(stores)]
    is_member = rng.random() < 0.7 or not has_email
    member_number = None
    if is_member:
        member_number = _unique(
            rng, taken.member_numbers, lambda r: _luhn(f"7{r.randrange(10**8):08d}")
        )
    return CustomerSpec(
        public_id=public_id,
        country=country,
        first_name=first,
        last_name=last,
        email=email,
        phone=phone,
        preferred_store=preferred_store,
        member_number=member_number,
        consents=_consents(rng, country=country, email=email, phone=phone),
        groups=_groups(rng, country=country, is_member=is_member),
        external_ids=_external_ids(
            rng, taken=taken, country=country, has_email=has_email, is_member=is_member
        ),
    )


def _consents(rng: random.Random, *, country: str, email: str, phone: str) -> tuple:
    consents = []
    for kind, share, reachable in (("email", 0.55, email), ("sms", 0.3, phone)):
        if reachable and rng.random() < share:
            channel = f"{rng.choice(list(CONSENT_SOURCES))}-{country}"
            granted_at = _before_epoch(rng, days=730)
            withdrawn_at = None
            if rng.random() < 0.1:
                seconds = int((DEMO_EPOCH - granted_at).total_seconds())
                withdrawn_at = granted_at + timedelta(seconds=rng.randrange(1, max(2, seconds)))
            consents.append(ConsentSpec(kind, channel, granted_at, withdrawn_at))
    return tuple(consents)


def _groups(rng: random.Random, *, country: str, is_member: bool) -> tuple:
    groups = []
    if is_member:
        groups.append(("MEMBER", None, None))
        tier = rng.random()
        if tier < 0.05:
            groups.append(("GOLD", None, None))
        elif tier < 0.2:
            groups.append(("SILVER", None, None))
    if rng.random() < 0.02:
        groups.append(("EMPLOYEE", _before_epoch(rng, days=5 * 365), None))
    if country == "DK" and rng.random() < 0.03:
        groups.append(("B2B-ACME", *B2B_PERIOD))
    return tuple(groups)


def _external_ids(
    rng: random.Random, *, taken: _Taken, country: str, has_email: bool, is_member: bool
) -> tuple:
    external_ids = []
    if has_email and rng.random() < 0.6:
        account = _unique(rng, taken.external_ids, lambda r: f"{r.randrange(10**7, 10**8)}")
        external_ids.append((f"WEB-{country}", "account", account))
    if is_member and rng.random() < 0.8:
        card = _unique(rng, taken.external_ids, lambda r: _luhn(f"9752{r.randrange(10**11):011d}"))
        external_ids.append((f"POS-{country}", "card", card))
    return tuple(external_ids)


def seed_customers(*, ctx: SeedContext) -> None:
    """Create the missing customers, with consents, consent events, groups and external ids.

    The consent flags and times are written with the customer, and a
    ``CustomerConsentEvent`` for every grant and withdrawal, as
    ``customer_set_consent`` would have left them.
    """
    stores = [s for s in ctx.shared["stores"] if s.kind == s.Kind.STORE]
    by_country = {m.country: [s.code for s in stores if s.country == m.country] for m in MARKETS}
    specs = customer_specs(
        rng=ctx.rng("customers"), count=ctx.config.customers, stores_by_country=by_country
    )
    emails = {email.lower() for email in Customer.objects.values_list("email", flat=True)}
    phones = {str(phone) for phone in Customer.objects.values_list("phone", flat=True) if phone}
    members = set(Customer.objects.values_list("member_number", flat=True))
    new = [
        s for s in specs if (s.email.lower() not in emails if s.email else s.phone not in phones)
    ]
    store_ids = {store.code: store.pk for store in stores}
    customers = []
    for spec in new:
        customer = Customer(
            public_id=spec.public_id,
            member_number=spec.member_number if spec.member_number not in members else None,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=spec.email,
            phone=spec.phone if spec.phone not in phones else "",
            preferred_store_id=store_ids.get(spec.preferred_store),
            language=MARKETS_BY_COUNTRY[spec.country].language,
            market=spec.country,
        )
        for consent in spec.consents:
            setattr(customer, f"{consent.kind}_marketing_consent", consent.withdrawn_at is None)
            setattr(
                customer,
                f"{consent.kind}_marketing_consent_at",
                consent.withdrawn_at or consent.granted_at,
            )
        customers.append(customer)
    ctx.bulk_create(Customer, customers)
    if new:
        _seed_customer_details(ctx=ctx, specs=new)
    ctx.summary["customers"] = Customer.objects.count()


def _seed_customer_details(*, ctx: SeedContext, specs: list[CustomerSpec]) -> None:
    ids = dict(Customer.objects.values_list("public_id", "id"))
    channels = ctx.shared["channels"]
    groups = dict(CustomerGroup.objects.values_list("code", "id"))
    taken = set(CustomerExternalId.objects.values_list("channel__code", "kind", "value"))
    events, memberships, external_ids = [], [], []
    for spec in specs:
        customer_id = ids[spec.public_id]
        for consent in spec.consents:
            channel = channels[consent.channel]
            source = CONSENT_SOURCES[consent.channel.split("-")[0]]
            events.append(
                CustomerConsentEvent(
                    customer_id=customer_id,
                    kind=consent.kind,
                    granted=True,
                    at=consent.granted_at,
                    channel=channel,
                    source=source,
                )
            )
            if consent.withdrawn_at:
                events.append(
                    CustomerConsentEvent(
                        customer_id=customer_id,
                        kind=consent.kind,
                        granted=False,
                        at=consent.withdrawn_at,
                        channel=None,
                        source="unsubscribe link" if consent.kind == "email" else "STOP reply",
                    )
                )
        for code, valid_from, valid_to in spec.groups:
            memberships.append(
                CustomerGroupMembership(
                    customer_id=customer_id,
                    group_id=groups[code],
                    valid_from=valid_from,
                    valid_to=valid_to,
                )
            )
        for channel_code, kind, value in spec.external_ids:
            if (channel_code, kind, value) not in taken:
                external_ids.append(
                    CustomerExternalId(
                        customer_id=customer_id,
                        channel=channels[channel_code],
                        kind=kind,
                        value=value,
                    )
                )
    ctx.bulk_create(CustomerConsentEvent, events)
    ctx.bulk_create(CustomerGroupMembership, memberships)
    ctx.bulk_create(CustomerExternalId, external_ids)
