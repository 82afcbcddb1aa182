"""Customer profile writes: create one profile for every channel, record consents."""

from datetime import datetime

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext

from retail import locking
from retail.errors import CustomerExistsError
from retail.models import (
    Channel,
    Customer,
    CustomerConsentEvent,
    CustomerExternalId,
    Store,
)


def customer_set_consent(
    *,
    customer: Customer,
    kind: str,
    granted: bool,
    channel: Channel | None = None,
    source: str = "",
    at: datetime | None = None,
) -> bool:
    """Record that ``customer`` gave or withdrew a marketing consent at ``at``.

    Writes a consent event and the current state in one transaction; a call
    that changes nothing writes nothing.  Returns whether anything changed.
    """
    at = at or timezone.now()
    kind = CustomerConsentEvent.Kind(kind)
    flag, stamp = f"{kind}_marketing_consent", f"{kind}_marketing_consent_at"
    with locking.atomic():
        (locked,) = locking.rows_lock(Customer.objects.filter(pk=customer.pk))
        if getattr(locked, flag) == granted:
            return False
        Customer.objects.filter(pk=customer.pk).update(**{flag: granted, stamp: at})
        CustomerConsentEvent.objects.create(
            customer=customer, kind=kind, granted=granted, at=at, channel=channel, source=source
        )
    setattr(customer, flag, granted)
    setattr(customer, stamp, at)
    return True


def customer_create(
    *,
    channel: Channel | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    language: str = "en",
    preferred_store: Store | None = None,
    external_id: str = "",
    external_id_kind: str = CustomerExternalId.Kind.ACCOUNT,
    email_marketing_consent: bool = False,
    sms_marketing_consent: bool = False,
    at: datetime | None = None,
) -> Customer:
    """Create a customer profile, its external id in ``channel`` and any consents given.

    The customer belongs to the market of ``channel`` (else of the preferred
    store): only that market's channels read their data.

    Raises ``CustomerExistsError`` (naming the field) when the e-mail, phone
    or external id already belongs to a customer; nothing is written then.
    """
    at = at or timezone.now()
    email = email.strip()
    if email and Customer.objects.filter(email__iexact=email).exists():
        raise CustomerExistsError(
            gettext("A customer with this e-mail already exists."), field="email"
        )
    if phone and Customer.objects.filter(phone=phone).exists():
        raise CustomerExistsError(
            gettext("A customer with this phone number already exists."), field="phone"
        )
    if (
        external_id
        and CustomerExternalId.objects.filter(
            channel=channel, kind=external_id_kind, value=external_id
        ).exists()
    ):
        raise CustomerExistsError(
            gettext("This external id already belongs to a customer."), field="external_id"
        )
    try:
        with locking.atomic():
            customer = Customer.objects.create(
                first_name=first_name,
                last_name=last_name,
                email=email,
                phone=phone,
                language=language,
                preferred_store=preferred_store,
                market=_market(channel, preferred_store),
            )
            if external_id:
                CustomerExternalId.objects.create(
                    customer=customer, channel=channel, kind=external_id_kind, value=external_id
                )
            for kind, granted in (
                ("email", email_marketing_consent),
                ("sms", sms_marketing_consent),
            ):
                if granted:
                    customer_set_consent(
                        customer=customer,
                        kind=kind,
                        granted=True,
                        channel=channel,
                        source="sign-up",
                        at=at,
                    )
    except IntegrityError as exc:
        # Lost a race with a concurrent sign-up for the same identifier.
        raise CustomerExistsError() from exc
    return customer


def _market(channel, preferred_store) -> str:
    """The market a new customer belongs to: the signing-up channel's, else the store's."""
    if channel is not None:
        return str(channel.country)
    return str(preferred_store.country) if preferred_store is not None else ""
