"""API clients and their keys: issue, rotate, revoke.  Keys are stored hashed only."""

from datetime import datetime, timedelta

from django.utils import timezone

from retail import locking
from retail.api.key_cache import key_revision_bump
from retail.models import ApiClient, ApiClientKey, Channel, Store

# A rotated-out key keeps working this long, so a client can roll out the new key.
DEFAULT_ROTATION_GRACE = timedelta(hours=24)


def api_client_create(*, name: str, channel: Channel, store: Store | None = None) -> ApiClient:
    """Create a channel client; a POS client must name its store, others must not.

    Raises ``ValueError`` when the store does not fit the channel kind.
    """
    if channel.kind == Channel.Kind.POS and store is None:
        raise ValueError("a POS client belongs to one store")
    if store is not None and store.kind != Store.Kind.STORE:
        raise ValueError("a client can only be bound to a store, not a warehouse")
    return ApiClient.objects.create(name=name, channel=channel, store=store)


def api_key_issue(
    *, client: ApiClient, name: str = "", expires_at: datetime | None = None, key: str | None = None
) -> tuple[ApiClientKey, str]:
    """Issue a new key for ``client`` and return it with the plain key, shown only this once.

    ``key`` lets the demo seed issue a known key; real keys are random.
    """
    name = (name or f"{client.name} key")[:50]
    if key is None:
        return ApiClientKey.objects.create_key(client=client, name=name, expiry_date=expires_at)
    generator = ApiClientKey.objects.key_generator
    prefix, _, _ = key.partition(".")
    hashed_key = generator.hash(key)
    api_key = ApiClientKey.objects.create(
        id=f"{prefix}.{hashed_key}",
        prefix=prefix,
        hashed_key=hashed_key,
        client=client,
        name=name,
        expiry_date=expires_at,
    )
    return api_key, key


@locking.atomic()
def api_key_rotate(
    *, client: ApiClient, grace: timedelta = DEFAULT_ROTATION_GRACE, at: datetime | None = None
) -> tuple[ApiClientKey, str]:
    """Issue a new key; every other live key of the client expires after ``grace``."""
    at = at or timezone.now()
    deadline = at + grace
    live = locking.rows_lock(ApiClientKey.objects.filter(client=client, revoked=False))
    for old in live:
        if old.expiry_date is None or old.expiry_date > deadline:
            old.expiry_date = deadline
            old.save(update_fields=["expiry_date"])
    return api_key_issue(client=client, name=f"{client.name} key {at:%Y-%m-%d}")


def api_key_revoke(*, api_key: ApiClientKey) -> None:
    """Revoke ``api_key`` at once and for good."""
    ApiClientKey.objects.filter(pk=api_key.pk).update(revoked=True)
    # An update sends no signal: every process forgets the keys it remembers.
    key_revision_bump()
