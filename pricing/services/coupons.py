"""Coupon codes: create, generate in batches, redeem (concurrency-safe) and release.

A redemption is keyed by its source (an order), so a retried checkout never
counts twice.  Counting a use is one conditional UPDATE
(``uses < max_uses``) whose row count decides: of fifty simultaneous
checkouts with a single-use code exactly one wins.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from functools import partial

from django.db import IntegrityError
from django.db.models import F, Q
from django.utils import timezone

from pricing.coupon_checks import coupon_check, coupon_code_normalise
from pricing.errors import (
    CouponCodeExistsError,
    CouponCustomerLimitError,
    CouponNotFoundError,
    CouponSourceKeyReusedError,
    CouponUsedUpError,
    InvalidCouponBatchError,
    InvalidCouponCodeError,
)
from pricing.models import Campaign, CouponBatch, CouponCode, CouponRedemption
from pricing.services.revision import rules_revision_bump
from retail import locking
from retail.ledger import post_once
from retail.models import Channel, Customer

# No look-alikes: 0/O, 1/I/L and 5/S, 2/Z, 8/B are left out.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_RANDOM_LENGTH = 12  # 25**12 ≈ 2**56: unguessable even with millions of codes out
MAX_BATCH_SIZE = 100_000
# The form of a coupon code and of a batch prefix (imports check rows against them too).
CODE_FORMAT = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")
PREFIX_FORMAT = re.compile(r"^[A-Z0-9]{0,8}$")
_INSERT_CHUNK = 1000
_MAX_COLLISION_ROUNDS = 10


def coupon_code_create(
    *,
    campaign: Campaign,
    code: str,
    max_uses: int | None = None,
    max_uses_per_customer: int | None = None,
    customer: Customer | None = None,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    at: datetime | None = None,
) -> CouponCode:
    """Create one code, typically multi-use (``max_uses`` None: unlimited).

    The code is stored normalised (upper case).  Bumps the rules revision.
    Raises ``InvalidCouponCodeError`` for a malformed code and
    ``CouponCodeExistsError`` when it is taken; both name ``code``.
    """
    code = coupon_code_normalise(code)
    if not CODE_FORMAT.match(code):
        raise InvalidCouponCodeError(field="code")
    try:
        with locking.atomic():
            coupon = CouponCode.objects.create(
                code=code,
                campaign=campaign,
                customer=customer,
                max_uses=max_uses,
                max_uses_per_customer=max_uses_per_customer,
                valid_from=valid_from,
                valid_to=valid_to,
            )
            rules_revision_bump(at=at)
    except IntegrityError as exc:
        raise CouponCodeExistsError(field="code", extra={"code": code}) from exc
    return coupon


def _random_code(prefix: str) -> str:
    return prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_RANDOM_LENGTH))


def coupon_batch_generate(
    *,
    campaign: Campaign,
    size: int,
    name: str = "",
    prefix: str = "",
    max_uses_per_code: int = 1,
    customers: Sequence[Customer] = (),
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    user=None,
    at: datetime | None = None,
) -> CouponBatch:
    """Generate ``size`` unique, unguessable codes for ``campaign`` in one batch; all or nothing.

    Codes are ``prefix`` plus 12 random characters from an alphabet without
    look-alikes, drawn with ``secrets``; collisions with existing codes are
    drawn again.  With ``customers``, each code is personal to one of them and
    ``size`` must equal their number.  Bulk inserts; bumps the rules revision.
    Raises ``InvalidCouponBatchError`` naming ``size`` or ``prefix``.
    """
    at = at or timezone.now()
    prefix = coupon_code_normalise(prefix)
    if not PREFIX_FORMAT.match(prefix):
        raise InvalidCouponBatchError(field="prefix")
    if not 1 <= size <= MAX_BATCH_SIZE or (customers and len(customers) != size):
        raise InvalidCouponBatchError(field="size")
    if max_uses_per_code < 1:
        raise InvalidCouponBatchError(field="max_uses_per_code")
    owners = list(customers) or [None] * size
    with locking.atomic():
        batch = CouponBatch.objects.create(
            campaign=campaign,
            name=name or f"{campaign.code} {at:%Y-%m-%d %H:%M}",
            prefix=prefix,
            size=size,
            created_at=at,
            created_by=user,
        )
        for start in range(0, size, _INSERT_CHUNK):
            _insert_unique(
                batch=batch,
                owners=owners[start : start + _INSERT_CHUNK],
                prefix=prefix,
                max_uses=max_uses_per_code,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        rules_revision_bump(at=at)
    return batch


def _insert_unique(*, batch, owners, prefix, max_uses, valid_from, valid_to) -> None:
    """Insert one code per owner; draw again for codes that already exist."""
    for _ in range(_MAX_COLLISION_ROUNDS):
        codes: set[str] = set()
        while len(codes) < len(owners):
            codes.add(_random_code(prefix))
        taken = set(CouponCode.objects.filter(code__in=codes).values_list("code", flat=True))
        fresh = [code for code in codes if code not in taken]
        rows = [
            CouponCode(
                code=code,
                campaign_id=batch.campaign_id,
                batch=batch,
                customer=owner,
                max_uses=max_uses,
                valid_from=valid_from,
                valid_to=valid_to,
            )
            for code, owner in zip(fresh, owners, strict=False)
        ]
        try:
            with locking.atomic():  # a savepoint: a concurrent batch may take a code
                CouponCode.objects.bulk_create(rows)
        except IntegrityError:
            continue
        owners = owners[len(rows) :]
        if not owners:
            return
    raise RuntimeError("could not draw unique coupon codes; is the alphabet exhausted?")


def coupons_redeem(
    *,
    codes: Sequence[str],
    customer: Customer | None = None,
    channel: Channel | None = None,
    source_key_prefix: str,
    at: datetime | None = None,
) -> list[CouponRedemption]:
    """Count one use of each of ``codes`` (source key ``<prefix>:<code>``); return them.

    The codes are redeemed in coupon-pk order whatever order the customer
    typed them in (``retail.locking``): two checkouts presenting the same two
    codes the other way round queue instead of deadlocking.  One query finds
    the pks; then as ``coupon_redeem`` for each (its errors, its idempotency).
    Call inside the order's transaction so that all count or none does.
    """
    normalised = [coupon_code_normalise(code) for code in codes]
    pks = dict(CouponCode.objects.filter(code__in=normalised).values_list("code", "pk"))
    # An unknown code sorts last and raises CouponNotFoundError when its turn comes.
    ordered = locking.in_lock_order(
        CouponCode, normalised, key=lambda code: (code not in pks, pks.get(code, 0), code)
    )
    return [
        coupon_redeem(
            code=code,
            customer=customer,
            channel=channel,
            source_key=f"{source_key_prefix}:{code}",
            at=at,
        )
        for code in ordered
    ]


def coupon_redeem(
    *,
    code: str,
    customer: Customer | None = None,
    channel: Channel | None = None,
    source_key: str,
    at: datetime | None = None,
) -> CouponRedemption:
    """Count one use of ``code`` for the order ``source_key``; return the redemption.

    Idempotent on ``source_key``: a retry returns the first redemption
    (``CouponSourceKeyReusedError`` if that was another code).  Validates like
    pricing a basket, then counts the use with one conditional UPDATE; with a
    per-customer limit, the coupon row is locked first so the customer's count
    cannot race.  Raises ``CouponNotFoundError``, ``CouponExpiredError``,
    ``CouponNotYetValidError``, ``CouponNotForCustomerError``,
    ``CouponUsedUpError`` or ``CouponCustomerLimitError``.
    """
    at = at or timezone.now()
    code = coupon_code_normalise(code)
    find = partial(_redemption_for, source_key=source_key, code=code)
    if (existing := find()) is not None:
        return existing
    return post_once(
        post=partial(
            _redeem, code=code, customer=customer, channel=channel, source_key=source_key, at=at
        ),
        find=find,
        # A concurrent call with the same source key may have won (and taken
        # the last use); if so, it is ours.
        conflicts=(IntegrityError, CouponUsedUpError, CouponCustomerLimitError),
    )


def _redemption_for(*, source_key: str, code: str) -> CouponRedemption | None:
    redemption = (
        CouponRedemption.objects.select_related("coupon").filter(source_key=source_key).first()
    )
    if redemption is not None and redemption.coupon.code != code:
        raise CouponSourceKeyReusedError(
            field="source_key", extra={"code": code, "redeemed_code": redemption.coupon.code}
        )
    return redemption


def _redeem(*, code, customer, channel, source_key, at) -> CouponRedemption:
    """Check the code and count the use; ``post_once`` runs this in its transaction."""
    customer_id = customer.pk if customer is not None else None
    coupon = CouponCode.objects.select_related("campaign").filter(code=code).first()
    if coupon is None:
        raise CouponNotFoundError(field="code", extra={"code": code})
    customer_uses = 0
    if coupon.max_uses_per_customer is not None and customer_id is not None:
        (coupon,) = locking.rows_lock(
            CouponCode.objects.select_related("campaign").filter(pk=coupon.pk)
        )
        customer_uses = CouponRedemption.objects.filter(
            coupon=coupon, customer_id=customer_id, released_at__isnull=True
        ).count()
    coupon_check(
        coupon=coupon, customer_id=customer_id, customer_uses=customer_uses, at=at, field="code"
    )
    locking.rows_taken(CouponCode, [coupon.pk])
    counted = (
        CouponCode.objects.filter(pk=coupon.pk)
        .filter(Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")))
        .update(uses=F("uses") + 1)
    )
    if counted == 0:
        raise CouponUsedUpError(field="code", extra={"code": code})
    coupon.refresh_from_db(fields=["uses"])  # our row lock makes this the count we set
    return CouponRedemption.objects.create(
        coupon=coupon, customer=customer, channel=channel, source_key=source_key, redeemed_at=at
    )


def coupon_redemption_release(
    *, source_key: str, at: datetime | None = None
) -> CouponRedemption | None:
    """Give back the use counted for ``source_key`` (its order was cancelled).

    As ``coupon_redemptions_release`` for one key; an unknown key returns None.
    """
    released = coupon_redemptions_release(source_keys=[source_key], at=at)
    if released:
        return released[0]
    return CouponRedemption.objects.filter(source_key=source_key).first()


def coupon_redemptions_release(
    *, source_keys: Sequence[str], at: datetime | None = None
) -> list[CouponRedemption]:
    """Give back the uses counted for ``source_keys`` (their order was cancelled); return them.

    Idempotent: a released redemption stays as it is and is not returned;
    unknown keys are ignored.  Locks the redemptions, then decrements each
    coupon's ``uses`` in one UPDATE per coupon, in coupon-pk order
    (``retail.locking``), so two cancellations never deadlock.
    """
    at = at or timezone.now()
    if not source_keys:
        return []
    with locking.atomic():
        redemptions = locking.rows_lock(
            CouponRedemption.objects.filter(
                source_key__in=list(source_keys), released_at__isnull=True
            )
        )
        redemptions.sort(key=lambda r: (r.coupon_id, r.pk))
        for redemption in redemptions:
            redemption.released_at = at
            redemption.save(update_fields=["released_at"])
            locking.rows_taken(CouponCode, [redemption.coupon_id])
            CouponCode.objects.filter(pk=redemption.coupon_id, uses__gt=0).update(
                uses=F("uses") - 1
            )
    return redemptions
