"""Demo step for API clients: webshops, an app and POS terminals, with known demo keys."""

import string

from retail.demo.builder import IssuedKey, SeedContext
from retail.demo.data.locations import HANDMADE_STORES, MARKETS
from retail.models import ApiClient, ApiClientKey, Store
from retail.services.api_clients import api_client_create, api_key_issue

KEY_ALPHABET = string.ascii_letters + string.digits
# The library's format: an 8-character prefix, a dot, a 32-character secret.
PREFIX_LENGTH, SECRET_LENGTH = 8, 32


def demo_api_key(ctx: SeedContext, client_name: str) -> str:
    """Return the demo key of ``client_name``: the same for the same seed, on every run."""
    rng = ctx.rng("api-key", client_name)
    prefix = "".join(rng.choice(KEY_ALPHABET) for _ in range(PREFIX_LENGTH))
    secret = "".join(rng.choice(KEY_ALPHABET) for _ in range(SECRET_LENGTH))
    return f"{prefix}.{secret}"


def _pos_store(stores: list[Store], country: str) -> Store | None:
    """The hand-made flagship of the market if it is seeded, else its first store."""
    in_market = [s for s in stores if s.kind == Store.Kind.STORE and s.country == country]
    flagships = {seed.code for seed in HANDMADE_STORES}
    return next((s for s in in_market if s.code in flagships), None) or next(iter(in_market), None)


def seed_api_clients(*, ctx: SeedContext) -> None:
    """Create a webshop client per market, an app client and a POS client per market.

    A client gets the demo key only if it has no key at all; the key is
    reported when the client holds it, so a rerun prints the same keys.
    """
    channels, stores = ctx.shared["channels"], ctx.shared["stores"]
    wanted: list[tuple[str, str, Store | None]] = [
        (f"Webshop {m.country}", f"WEB-{m.country}", None) for m in MARKETS
    ]
    wanted.append(("App DK", "APP-DK", None))
    for market in MARKETS:
        store = _pos_store(stores, market.country)
        if store is not None:
            wanted.append((f"POS {store.code} till 1", f"POS-{market.country}", store))

    for name, channel_code, store in wanted:
        channel = channels[channel_code]
        client = ApiClient.objects.filter(name=name, channel=channel, store=store).first()
        if client is None:
            client = api_client_create(name=name, channel=channel, store=store)
            ctx.count(ApiClient, 1)
        key = demo_api_key(ctx, name)
        if not client.keys.exists():
            api_key_issue(client=client, key=key)
            ctx.count(ApiClientKey, 1)
        holds_key = any(
            api_key.is_valid(key)
            for api_key in ApiClientKey.objects.get_usable_keys().filter(
                client=client, prefix=key.partition(".")[0]
            )
        )
        ctx.api_keys.append(
            IssuedKey(
                client=name,
                channel=channel_code,
                store=store.code if store else "",
                key=key if holds_key else None,
            )
        )
    ctx.summary["API clients"] = ApiClient.objects.count()
