"""Test settings: the production settings with what a test client cannot do turned off."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from retail.settings import *  # noqa: F403
from retail.settings import REST_FRAMEWORK, env

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Fast hashing: tests create many users; production keeps the default hashers.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"api_client": "100000/min"},
    # The API takes JSON bodies only; the test client sends JSON unless told otherwise.
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Serve static files from the finders; no collectstatic before tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Every lock taken against the global order (retail.locking) fails the test that took it.
RETAIL_LOCK_ORDER_STRICT = True
# The whole suite authenticates through remembered keys (retail/api/key_cache.py): in
# one process local memory is a shared cache; CI's REDIS_URL makes it Redis.
RETAIL_API_KEY_CACHE = True
# The suite's tests run in a transaction the replica connection cannot see, so reads stay on
# the primary unless a test routes them (tests/test_replica*.py switch RETAIL_READ_REPLICA
# on).  Without DATABASE_REPLICA_URL a PostgreSQL run still gets a "replica" alias: a test
# mirror of the primary's test database, for the router's own tests.
# CI hands the test process its replica as RETAIL_TEST_REPLICA_URL (.ci/replica.sh), not as
# DATABASE_REPLICA_URL: servers that tests start with the production settings would read
# the CI database's copy instead of their test database's.
RETAIL_READ_REPLICA = ""
if os.environ.get("RETAIL_TEST_REPLICA_URL") and "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {  # noqa: F405
        **env.db_url_config(os.environ["RETAIL_TEST_REPLICA_URL"]),
        "TEST": {"MIRROR": "default"},
    }
if "replica" not in DATABASES and DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
