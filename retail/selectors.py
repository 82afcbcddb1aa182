"""Reads of the retail core that other apps and the API share."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from retail.errors import (
    CustomerIdentifierRequiredError,
    CustomerNotFoundError,
    InvalidGtinError,
)
from retail.gtin import gtin14
from retail.models import (
    Category,
    Channel,
    Customer,
    OpeningHours,
    Product,
    ProductGtin,
    SpecialOpeningHours,
    StaffProfile,
    Store,
)


def customer_group_codes(*, customer: Customer, at: datetime | None = None) -> frozenset[str]:
    """Return the codes of the groups ``customer`` belongs to at ``at`` (what pricing reads)."""
    at = at or timezone.now()
    return frozenset(
        customer.memberships.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=at),
            Q(valid_to__isnull=True) | Q(valid_to__gt=at),
        ).values_list("group__code", flat=True)
    )


def customer_find(
    *,
    channel: Channel | None,
    member_number: str = "",
    email: str = "",
    phone: str = "",
    external_id: str = "",
    external_id_kind: str = "",
) -> Customer:
    """Find the one customer the caller identifies; a channel sees only its own external ids.

    Exactly one identifier must be given.  Raises
    ``CustomerIdentifierRequiredError`` or ``CustomerNotFoundError``.
    """
    given = {
        k: v
        for k, v in {
            "member_number": member_number,
            "email": email,
            "phone": phone,
            "external_id": external_id,
        }.items()
        if v
    }
    if len(given) != 1:
        raise CustomerIdentifierRequiredError()
    qs = Customer.objects.all()
    if member_number:
        qs = qs.filter(member_number=member_number)
    elif email:
        qs = qs.filter(email__iexact=email.strip())
    elif phone:
        qs = qs.filter(phone=phone)
    else:
        if channel is None:
            raise CustomerIdentifierRequiredError(
                gettext("An external id is only known within a channel.")
            )
        ext = {"external_ids__channel": channel, "external_ids__value": external_id}
        if external_id_kind:
            ext["external_ids__kind"] = external_id_kind
        qs = qs.filter(**ext)
    customer = qs.select_related("preferred_store").first()
    if customer is None:
        raise CustomerNotFoundError()
    return customer


def product_find_by_code(*, code: str) -> Product | None:
    """Return the product a staff member typed or scanned: a SKU or any of its GTINs."""
    code = code.strip()
    product = Product.objects.filter(sku=code).first()
    if product is None and code.isdigit():
        try:
            key = gtin14(code)
        except Exception:
            return None
        product = Product.objects.filter(gtins__gtin14=key).first()
    return product


def category_with_descendants(*, code: str) -> QuerySet[Category]:
    """Return the category ``code`` and everything below it (one query on the path)."""
    node = Category.objects.filter(code=code).first()
    if node is None:
        return Category.objects.none()
    return Category.objects.filter(path__startswith=node.path)


def stores_for_user(user) -> QuerySet[Store]:
    """Return the stores a user may see: all for HQ and superusers, else their own."""
    if user.is_superuser:
        return Store.objects.all()
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None:
        return Store.objects.none()
    if profile.is_hq:
        return Store.objects.all()
    return profile.stores.all()


def staff_profile_for(user) -> StaffProfile | None:
    """Return the staff profile of ``user``, or None for a customer-facing or anonymous user.

    Uses the user's cached reverse relation, so repeated calls in one request
    cost one query.
    """
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def user_sees_all_stores(user) -> bool:
    """Return whether ``user`` sees every store's data: superusers and HQ staff."""
    if getattr(user, "is_superuser", False):
        return True
    profile = staff_profile_for(user)
    return profile is not None and profile.is_hq


@dataclass(frozen=True)
class DayHours:
    """A store's opening hours on one local date; no spans means closed all day."""

    day: date
    spans: tuple[tuple[time, time], ...]
    is_special: bool = False
    note: str = ""

    @property
    def is_closed(self) -> bool:
        return not self.spans

    def is_open_at(self, moment: time) -> bool:
        return any(opens <= moment < closes for opens, closes in self.spans)


def store_hours_on(*, store: Store, day: date) -> DayHours:
    """Return the hours of ``store`` on the local date ``day``; a special date beats the week."""
    special = SpecialOpeningHours.objects.filter(store=store, date=day).first()
    if special is not None:
        spans = () if special.is_closed else ((special.opens_at, special.closes_at),)
        return DayHours(day=day, spans=spans, is_special=True, note=special.note)
    spans = tuple(
        OpeningHours.objects.filter(store=store, weekday=day.weekday())
        .order_by("opens_at")
        .values_list("opens_at", "closes_at")
    )
    return DayHours(day=day, spans=spans)


def product_search_by_name(*, text: str, limit: int = 20) -> list[Product]:
    """Return up to ``limit`` products whose name contains ``text`` (case-insensitive)."""
    text = text.strip()
    if not text:
        return []
    return list(
        Product.objects.filter(name__icontains=text)
        .select_related("brand", "category")
        .order_by("-is_active", "name", "sku")[:limit]
    )


def store_day_bounds(*, store: Store, at: datetime, days: int = 0) -> tuple[datetime, datetime]:
    """Return ``[start, end)`` of the store's local day of ``at`` (``days`` later), aware.

    "Today" on a store page is the store's calendar day in its ``time_zone``,
    not UTC's: a Copenhagen order collected at 00:30 local belongs to that day.
    A day with a clock change is 23 or 25 hours long.
    """
    tz = store.tz
    day = at.astimezone(tz).date() + timedelta(days=days)
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def store_sales_channel(*, store: Store) -> Channel | None:
    """Return the channel the store sells in: the active POS channel of its country.

    Store pages (product lookup, shelf labels) price as the store's till does;
    with several POS channels in a country the first by code is the store's.
    """
    return (
        Channel.objects.filter(kind=Channel.Kind.POS, country=store.country, is_active=True)
        .order_by("code")
        .first()
    )


def products_find_by_codes(*, codes: list[str]) -> tuple[list[Product], list[str]]:
    """Return the products typed or scanned as ``codes`` (SKUs or GTINs), and the codes unknown.

    In the order given, each product once.  Two queries however many codes.
    """
    codes = [code.strip() for code in codes if code.strip()]
    keys = {}
    for code in codes:
        if code.isdigit():
            try:
                keys[code] = gtin14(code)
            except InvalidGtinError:
                continue  # not a GTIN: only a SKU can match
    by_sku = {p.sku: p for p in Product.objects.filter(sku__in=codes)}
    by_gtin = {
        row.gtin14: row.product
        for row in ProductGtin.objects.filter(gtin14__in=set(keys.values())).select_related(
            "product"
        )
    }
    found: dict[int, Product] = {}
    unknown = []
    for code in codes:
        product = by_sku.get(code) or by_gtin.get(keys.get(code, ""))
        if product is None:
            unknown.append(code)
        else:
            found.setdefault(product.pk, product)
    return list(found.values()), unknown
