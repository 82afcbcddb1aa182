"""Structured logs: JSON lines in production, readable console lines in development.

Every record, ours through structlog and Django's or Celery's through the
standard library, goes through one ``ProcessorFormatter`` that adds
``timestamp``, ``level``, ``logger`` and the request's bound context
(``request_id``, ``user_id``, ``api_client_id``, ``ip``; in a task also
``task_id``) and masks secrets before anything is written.

This module imports no Django: the settings module builds ``LOGGING`` from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import structlog
from stdnum import luhn

MASK = "***"

# Keys whose values are never written, wherever they are nested.
_SECRET_KEY = re.compile(
    r"pass(word|wd|phrase)?|pin|secret|token|api[_-]?key|authorization|cookie|"
    r"session(id)?|csrf|gift[_-]?card([_-]?code)?|card[_-]?(code|number)|signature",
    re.IGNORECASE,
)
# ``name=value`` in a query string, a cookie header or a message; the name is checked
# by ``_SECRET_NAME`` (one linear scan, no backtracking over every word).
_PAIR = re.compile(r"(?P<name>[\w-]+)(?P<sep>=|:\s?)(?P<value>[^&\s;,\"']+)")
_SECRET_NAME = re.compile(
    r"pass|(?:^|[_-])pin(?:$|[_-])|secret|token|api[_-]?key|sessionid|csrftoken|"
    r"gift[_-]?card|card[_-]?code",
    re.IGNORECASE,
)
# ``Authorization: Api-Key <prefix>.<secret>`` and bearer tokens.
_SECRET_SCHEME = re.compile(r"\b(?P<scheme>Api-Key|Bearer|Token|Basic)\s+[^\s\"',;]+")
# A stored-value code: 16 digits (optionally grouped) with a Luhn check digit.
_CARD_CODE = re.compile(r"(?<!\d)(?:\d[ -]?){15}\d(?!\d)")
_DIGITS = re.compile(r"\d{4}")


@lru_cache(maxsize=1024)
def _secret_key(key: str) -> bool:
    # Keys repeat on every line (request_id, code, event): decide each once.
    return bool(_SECRET_KEY.fullmatch(key))


def _mask_card(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return MASK if luhn.is_valid(digits) else match.group(0)


def _mask_pair(match: re.Match) -> str:
    if _SECRET_NAME.search(match.group("name")):
        return f"{match.group('name')}{match.group('sep')}{MASK}"
    return match.group(0)


def mask_text(text: str) -> str:
    """Return ``text`` with secret ``name=value`` pairs, auth schemes and card codes masked."""
    text = _SECRET_SCHEME.sub(lambda m: f"{m.group('scheme')} {MASK}", text)
    if "=" in text or ":" in text:
        text = _PAIR.sub(_mask_pair, text)
    return _CARD_CODE.sub(_mask_card, text) if _DIGITS.search(text) else text


def _mask(value: Any, depth: int = 0) -> Any:
    if depth > 6:
        return value
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, Mapping):
        return {
            k: MASK if isinstance(k, str) and _secret_key(k) else _mask(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_mask(v, depth + 1) for v in value)
    if value is None or isinstance(value, bool | int | float):
        return value
    # An object (Django's ``request`` extra, an exception): what the renderer would write
    # is its text, so that is what is masked (a request's repr shows its query string).
    return mask_text(str(value))


def redact_secrets(logger, method_name: str, event_dict: dict) -> dict:
    """structlog processor: mask API keys, PINs, card codes, passwords and cookies."""
    for key, value in list(event_dict.items()):
        if key.startswith("_"):
            continue
        if _secret_key(key):
            event_dict[key] = MASK
        else:
            event_dict[key] = _mask(value)
    return event_dict


# What both our structlog calls and the standard library's records go through first.
_SHARED = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def structlog_configure() -> None:
    """Route structlog through the standard library, so one ``LOGGING`` renders everything."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def formatter(kind: str) -> dict:
    """A ``LOGGING`` formatter: ``json`` (one object a line) or ``console`` (for people)."""
    if kind == "json":
        tail = [
            structlog.processors.format_exc_info,
            redact_secrets,
            structlog.processors.JSONRenderer(default=str),
        ]
    else:
        tail = [redact_secrets, structlog.dev.ConsoleRenderer(colors=False)]
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta, *tail],
        "foreign_pre_chain": [*_SHARED, structlog.stdlib.ExtraAdder()],
    }


def logging_config(*, kind: str, level: str) -> dict:
    """The ``LOGGING`` setting: every record through the ``kind`` formatter on stderr."""
    if kind not in {"json", "console"}:
        raise ValueError(f"LOG_FORMAT must be 'json' or 'console', not {kind!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": formatter("json"), "console": formatter("console")},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": kind}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # python-barcode announces at import that it renders SVG only (no Pillow): we want SVG.
            "pyBarcode": {"level": "WARNING"},
        },
    }


__all__ = ["logging_config", "mask_text", "redact_secrets", "structlog_configure"]
