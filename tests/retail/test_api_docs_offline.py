"""/api/docs/ and /api/redoc/ load every asset from this server: they work without internet."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def _assets(html: str) -> list[str]:
    parser = _Assets()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_api_docs_page_references_no_other_host(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assets = _assets(html)
    assert assets, "the page loads its UI from script and link tags"
    assert [a for a in assets if urlsplit(a).netloc] == []
    # Nor in inline scripts or styles (a CDN fallback, an online validator).
    assert re.findall(r"https?://[^\s\"'<>]+", html) == []


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_api_docs_every_asset_answers_200(client, url):
    html = client.get(url).content.decode()
    for asset in _assets(html):
        response = client.get(asset)
        assert response.status_code == 200, asset
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(body) > 100, asset


def test_api_docs_swagger_ui_has_no_online_validator(client):
    assert '"validatorUrl": null' in client.get("/api/docs/").content.decode()
