"""Settings for the retail back office, all from the environment (12-factor).

Safe local defaults: SQLite when ``DATABASE_URL`` is unset, Celery eager and a
local-memory cache when ``REDIS_URL`` is unset.  ``DJANGO_DEBUG`` is off unless
set, and with it off the deployment hardening below is on, so that
``manage.py check --deploy`` passes with the production environment.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ

from retail.logs import logging_config, structlog_configure

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    # Only a DEBUG (local) run may fall back to a fixed key; production must set one.
    default="django-insecure-local-development-key-do-not-use-in-production" if DEBUG else None,
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Under /api/ a CSRF failure answers in the API's error shape.
CSRF_FAILURE_VIEW = "retail.api.errors.json_csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc assets, served as our static files
    "treebeard",
    "django_countries",
    "phonenumber_field",
    "import_export",
    "django_htmx",  # the work queue refreshes itself (htmx served from the package)
    "axes",  # login lockout; HQ unlocks in the admin (Axes > Access attempts)
    "django_prometheus",  # HTTP and database metrics at /metrics (retail.metrics_view)
    "django_structlog",  # request_id on every log line, carried into Celery tasks
    # Our apps, in dependency order: retail <- pricing, inventory, loyalty <- orders, imports.
    "retail",
    "pricing",
    "inventory",
    "loyalty",
    "orders",
    "imports",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "retail.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A view that lost its database connection answers 503 (retail/db_outage.py).
    "retail.db_outage.DatabaseOutageMiddleware",
    # Every answer under /api/ is JSON; a POST without its trailing slash is served, not lost.
    "retail.api.middleware.ApiJsonMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before anything that reads or writes the database: one replica-routing scope per request.
    "retail.db_router.ReplicaRoutingMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "retail.api.middleware.NulInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: its first line already names the staff user.
    "django_structlog.middlewares.RequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "retail.middleware.AdminTimeZoneMiddleware",
    # The staff user's language (their choice, else their store's market) over the browser's.
    "retail.i18n.middleware.StaffLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Counts the responses by view and status (its twin is first in the list).
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: turns a locked-out login into retail.store.lockout's page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "retail.urls"
WSGI_APPLICATION = "retail.wsgi.application"
ASGI_APPLICATION = "retail.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must survive a few concurrent requests: a transaction that
    # reads and then writes (a reservation) upgrades its lock, and SQLite fails such an
    # upgrade at once with "database is locked" whatever the timeout.  Immediate
    # transactions take the write lock at BEGIN and wait for it up to the busy timeout;
    # WAL lets readers go on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    # PostgreSQL-only refinements (NULLS NOT DISTINCT uniques, covering indexes) that the
    # SQLite demo can do without; model validation still checks the uniques.
    SILENCED_SYSTEM_CHECKS = ["models.W047", "models.W040"]
# A PostgreSQL streaming replica for the reads that tolerate lag (retail.db_router): views
# opt in with ``replica_reads()``; writes, reads after a write and reads in a transaction
# stay on the primary.  Unset: everything on the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"].get("CONN_MAX_AGE", 0))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # Tests read the replica's copy of the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["retail.db_router.ReplicaRouter"]
RETAIL_READ_REPLICA = "replica" if DATABASE_REPLICA_URL else ""
# After a caller writes, its reads stay on the primary this long (read-your-writes across
# requests; the replica's lag on a LAN is milliseconds).  0 turns the pin off.
RETAIL_REPLICA_PIN_SECONDS = env.int("RETAIL_REPLICA_PIN_SECONDS", default=5)

# PgBouncer in transaction pooling (DATABASE_POOLER=pgbouncer): consecutive transactions of
# one Django connection may run on different server connections, so nothing may outlive a
# transaction on the server: no server-side cursors (a named cursor lives across the
# statements of .iterator()), no prepared statements (psycopg prepares a query after a few
# runs), and session SETs only as SET LOCAL (retail code uses set_config(..., true)).
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER == "pgbouncer":
    for _alias in DATABASES:
        DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES[_alias].setdefault("OPTIONS", {})["prepare_threshold"] = None
# django-prometheus' wrappers of the same backends: queries, errors and connections by alias
# at /metrics.  ``connection.vendor`` stays "postgresql" / "sqlite".
_PROMETHEUS_DB_ENGINES = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}
for _db in DATABASES.values():
    _db["ENGINE"] = _PROMETHEUS_DB_ENGINES.get(_db["ENGINE"], _db["ENGINE"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Misses instead of raising while Redis is down (retail/cache.py).
            "BACKEND": "retail.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="retail"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task's message is acknowledged when the task ends, not when it starts: a worker that
# is killed (SIGKILL, OOM, the machine) leaves its message unacknowledged, and Redis gives
# it to another worker after the visibility timeout.  The tasks are idempotent (feeds
# resume after their last committed chunk; an import applies in one transaction and
# only from ``applying``), so a redelivery repeats nothing.  The visibility timeout must
# exceed the longest task (default one hour, kombu's).  A pool child lost mid-task
# (prefork) has its message rejected and requeued at once.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often a worker looks for messages whose worker died (kombu's defaults: every
    # 10th poll, and every 10 s in the event loop).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    # A Redis that does not answer fails a publish in seconds, not after the TCP timeout;
    # the request that enqueued has committed already (the outbox sends later).
    "socket_connect_timeout": 2,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Queues by kind (retail/celery.py): notifications, stock_feeds, imports, sweeps, default.
# A worker without -Q consumes them all; -Q gives a worker (or a machine) to some.
CELERY_TASK_QUEUES = {
    name: {"exchange": name, "routing_key": name}
    for name in ("notifications", "stock_feeds", "imports", "sweeps", "default")
}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = ["retail.celery.route_task"]
CELERY_BEAT_SCHEDULE = {
    "retail.worker_heartbeat": {
        "task": "retail.worker_heartbeat",
        "schedule": env.float("RETAIL_WORKER_HEARTBEAT_SECONDS", default=60.0),
    },
    "retail.purge_idempotency_records": {
        "task": "retail.purge_idempotency_records",
        "schedule": 3600.0,
    },
    "inventory.expire_reservations": {"task": "inventory.expire_reservations", "schedule": 60.0},
    "loyalty.expire_holds": {"task": "loyalty.expire_holds", "schedule": 60.0},
    "loyalty.expire_stored_value": {"task": "loyalty.expire_stored_value", "schedule": 3600.0},
    "loyalty.expire_points": {"task": "loyalty.expire_points", "schedule": 3600.0},
    "loyalty.recompute_tiers": {"task": "loyalty.recompute_tiers", "schedule": 86400.0},
    "orders.expire_uncollected": {"task": "orders.expire_uncollected", "schedule": 300.0},
    "orders.remind_pickups": {"task": "orders.remind_pickups", "schedule": 900.0},
    "orders.resend_notifications": {"task": "orders.resend_notifications", "schedule": 60.0},
    "orders.audit_receipt_prices_sweep": {
        "task": "orders.audit_receipt_prices_sweep",
        "schedule": 900.0,
    },
}

# --- Auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "store:login"
# Store managers land on the click-and-collect work queue, everyone else on the store home.
LOGIN_REDIRECT_URL = "orders:landing"
LOGOUT_REDIRECT_URL = "store:login"
# Login lockout (django-axes) on /admin/ and /store/: 5 failed logins for one user name from
# one address lock that pair for 30 minutes; a good login resets the count.  HQ unlocks by
# deleting the access attempt in the admin (or `manage.py axes_reset_username <name>`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "retail.store.lockout.lockout_response"
AXES_VERBOSE = False

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("da", "Dansk"), ("sv", "Svenska"), ("nb", "Norsk bokmål")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
PHONENUMBER_DEFAULT_REGION = "DK"

# --- Static files (whitenoise) -------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (stock feeds): web and worker processes must share this storage.
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security (on whenever DEBUG is off) ----------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Customer notifications ---------------------------------------------
# EMAIL_URL: smtp://user:pass@host:587/?tls=True in production; the console by default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="orders@retail.example")
# A dotted path to a class with ``send(to, text)``: see orders.notifications.sms.
ORDERS_SMS_BACKEND = env.str(
    "ORDERS_SMS_BACKEND", default="orders.notifications.sms.ConsoleSmsBackend"
)
ORDERS_SMS_FILE_PATH = env.path("ORDERS_SMS_FILE_PATH", default=BASE_DIR / "var" / "sms.log")
# A notification that keeps failing is retried each minute, then given up (status failed).
ORDERS_NOTIFICATION_MAX_ATTEMPTS = env.int("ORDERS_NOTIFICATION_MAX_ATTEMPTS", default=8)
# A row left in "sending" this long (its worker died mid-send) is claimed again.
ORDERS_NOTIFICATION_STALE_SECONDS = 600
# How often the store's work queue asks for new orders (seconds; browser tests shorten it).
ORDERS_QUEUE_REFRESH_SECONDS = env.int("ORDERS_QUEUE_REFRESH_SECONDS", default=20)
# Days after purchase within which any line can be returned.
ORDERS_RETURN_DAYS = env.int("ORDERS_RETURN_DAYS", default=30)
# What a substitute costs the customer when its own price differs from the line's:
# "refund_cheaper" (a dearer one at the ordered price, a cheaper one refunds the
# difference) or "keep_price" (the ordered price either way).
ORDERS_SUBSTITUTE_PRICE_RULE = env.str("ORDERS_SUBSTITUTE_PRICE_RULE", default="refund_cheaper")

# --- App settings ---------------------------------------------------------
# Namespaced per app and read only through the app's conf.py, at call time.
# Web processes remember unit prices (/prices/) until the rules change or a rule's time
# comes (pricing/quote_cache.py); at most this long, as the 30-day lowest price rolls.
PRICING_QUOTE_CACHE = env.bool("PRICING_QUOTE_CACHE", default=True)
PRICING_QUOTE_CACHE_SECONDS = env.int("PRICING_QUOTE_CACHE_SECONDS", default=60)
# The zone HQ reads and types admin times in; store staff use their store's (retail.middleware).
RETAIL_ADMIN_TIME_ZONE = "Europe/Copenhagen"
# The zone of each market (country): the API reads a time without an offset in it when
# the call has no store (retail.api.fields); a market missing here takes TIME_ZONE.
MARKET_TIME_ZONES = {
    "DK": "Europe/Copenhagen",
    "SE": "Europe/Stockholm",
    "NO": "Europe/Oslo",
    "FI": "Europe/Helsinki",
    "DE": "Europe/Berlin",
}
# Pricing: the VAT date of a channel without a store is taken in its market's zone.
PRICING_MARKET_TIME_ZONES = MARKET_TIME_ZONES
# Inventory: how long a reservation holds stock (a timedelta or seconds), stock feed chunks.
INVENTORY_RESERVATION_TTL = timedelta(minutes=30)
INVENTORY_FEED_CHUNK_SIZE = env.int("INVENTORY_FEED_CHUNK_SIZE", default=10_000)
INVENTORY_FEED_LOCK_TIMEOUT_MS = 5_000
# Loyalty: the members' customer group (member prices), sign-up bonus, points.
LOYALTY_MEMBER_GROUP_CODE = "MEMBER"
LOYALTY_SIGNUP_BONUS = 100
LOYALTY_POINTS_TTL_DAYS = 730
LOYALTY_POINTS_PER_UNIT = {"DKK": 1, "SEK": 1, "NOK": 1, "EUR": 7}
LOYALTY_POINT_VALUE = {
    "DKK": Decimal("0.05"),
    "SEK": Decimal("0.07"),
    "NOK": Decimal("0.07"),
    "EUR": Decimal("0.007"),
}
# Imports (docs/imports.md): HQ's zone for dates without one, warnings, report sizes.
IMPORTS_TIME_ZONE = "Europe/Copenhagen"
IMPORTS_PRICE_CHANGE_WARN_PERCENT = 50
IMPORTS_MAX_ERRORS = 1000
IMPORTS_DIFF_SAMPLE = 200
IMPORTS_LOOKUP_CHUNK = 900

# --- Row locks (retail.locking) ---------------------------------------------
# Rows locked against the global lock order raise LockOrderError (a latent deadlock);
# off, the mistake is logged instead.  On in DEBUG and in the tests.
RETAIL_LOCK_ORDER_STRICT = env.bool("RETAIL_LOCK_ORDER_STRICT", default=DEBUG)
# Web processes remember checked API keys until any key, client or channel changes
# (retail/api/key_cache.py); only with a cache all processes share.
RETAIL_API_KEY_CACHE = env.bool("RETAIL_API_KEY_CACHE", default=bool(REDIS_URL))
RETAIL_API_KEY_CACHE_ALIAS = "default"

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "retail.api.auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["retail.api.permissions.IsApiClientOrHQ"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "retail.api.pagination.CappedPageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "retail.api.schema.RetailAutoSchema",
    # Bodies are JSON (nested lines, tenders); views that take files set their own parsers.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["retail.api.throttling.ApiClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_client": env.str("API_CLIENT_RATE", default="6000/min")},
    "EXCEPTION_HANDLER": "retail.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Lookups by guessable identifiers, per API client (retail.api.throttling).
API_IDENTIFIER_RATES = {
    "member_lookup": env.str("API_MEMBER_LOOKUP_RATE", default="60/min"),
    "pickup_code": env.str("API_PICKUP_CODE_RATE", default="30/min"),
    "gift_card_lookup": env.str("API_GIFT_CARD_LOOKUP_RATE", default="60/min"),
}
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=500)
# How long an Idempotency-Key's first response is kept for replay.
API_IDEMPOTENCY_TTL = env.int("API_IDEMPOTENCY_TTL", default=24 * 3600)
# A request holding a key longer than this is taken as crashed; a retry may take over.
API_IDEMPOTENCY_LOCK_SECONDS = env.int("API_IDEMPOTENCY_LOCK_SECONDS", default=300)

SPECTACULAR_SETTINGS = {
    "TITLE": "Retail back office API",
    "DESCRIPTION": (
        "One truth for price, availability and discounts in every channel. "
        "Authenticate with `Authorization: Api-Key <key>`; every error has the shape "
        '`{"code", "message", "fields"?, "extra"?}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CurrencyEnum": "retail.models.Currency.choices",
        "LanguageEnum": "retail.models.Language.choices",
        "ChannelKindEnum": "retail.models.locations.ChannelKind.choices",
        "StoreKindEnum": "retail.models.locations.StoreKind.choices",
        "ExternalIdKindEnum": "retail.models.customers.ExternalIdKind.choices",
        "HintKindEnum": "pricing.api.hints.HINT_KINDS",
        "HintTargetTypeEnum": "pricing.api.hints.TARGET_TYPES",
        "CouponReasonEnum": "pricing.api.hints.COUPON_REASONS",
    },
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "ApiKeyAuth": {"type": "apiKey", "in": "header", "name": "Authorization"}
        }
    },
    "SECURITY": [{"ApiKeyAuth": []}],
    # Summaries and examples of every operation (retail.api.examples, each app's api/docs.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "retail.api.examples.document_operations",
        "retail.api.links.add_links",
    ],
    # The docs page loads Swagger UI and Redoc from our static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No online validator badge (it would call swagger.io); keys typed once stay for the tab.
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": True,
        "persistAuthorization": True,
        "displayRequestDuration": True,
        "validatorUrl": None,
    },
}

# --- Logging and metrics (retail/logs.py, retail/metrics.py; README "Observability") --
# JSON lines in production, readable lines in development; LOG_FORMAT overrides.
LOG_FORMAT = env.str("LOG_FORMAT", default="console" if DEBUG else "json")
LOGGING = logging_config(kind=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))
structlog_configure()
# RequestIdMiddleware sanitises X-Request-ID before django-structlog reads it.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# /metrics answers these networks (REMOTE_ADDR) or "Authorization: Bearer <METRICS_TOKEN>".
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1/32", "::1/128"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
