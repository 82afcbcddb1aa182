"""The table of store pages covers every URL under /store/: a new page must join it."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.browser.store_pages import EXCLUDED, PAGES, POST_ONLY
from tests.factories import StoreFactory, make_staff

SAMPLE_ARGS = {"int": 1, "str": "X", "slug": "x", "path": "x", "uuid": None}


def _store_urls() -> dict[str, URLPattern]:
    """Every named URL whose path starts with store/, by ``namespace:name``."""
    found: dict[str, URLPattern] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}" if namespace else (entry.namespace or "")
                walk(entry.url_patterns, route, inner if entry.namespace else namespace)
            elif route.startswith("store/") and entry.name:
                found[f"{namespace}:{entry.name}".lstrip(":")] = entry

    walk(get_resolver().url_patterns, "", "")
    return found


def _sample_url(name: str, pattern: URLPattern) -> str:
    converters = pattern.pattern.converters
    kwargs = {
        key: SAMPLE_ARGS.get(type(converter).__name__.replace("Converter", "").lower(), "x")
        for key, converter in converters.items()
    }
    return reverse(name, kwargs=kwargs)


def test_store_pages_table_lists_every_store_url():
    urls = _store_urls()
    assert "orders:queue" in urls and "store:home" in urls  # the walk finds the store pages
    listed = {page.url_name for page in PAGES}
    missing = sorted(set(urls) - listed - set(EXCLUDED))
    assert missing == [], (
        "Store URLs neither in tests/browser/store_pages.py PAGES nor EXCLUDED (with a reason): "
        f"{missing}"
    )
    assert sorted((listed | set(EXCLUDED)) - set(urls)) == []  # no stale entries
    assert listed.isdisjoint(EXCLUDED)
    assert len({page.key for page in PAGES}) == len(PAGES)


@pytest.mark.django_db
def test_store_pages_table_excluded_urls_are_post_only(client):
    store = StoreFactory(code="CPH01")
    client.force_login(make_staff("store_clerk", stores=[store], username="clerk"))
    urls = _store_urls()
    answers = {name: client.get(_sample_url(name, urls[name])).status_code for name in POST_ONLY}
    assert answers == dict.fromkeys(POST_ONLY, 405)
