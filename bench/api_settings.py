"""Settings for ``bench/api.py``: production settings plus a trivial authenticated view.

The trivial view is the yardstick the API's hot endpoints are measured against
under the same gunicorn: API-key authentication, DRF, a JSON answer, nothing else.
"""

from retail.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
