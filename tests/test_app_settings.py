"""App settings: namespaced per app, defaults in retail/settings.py, read only by <app>/conf.py."""

import ast
import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import retail.settings as project_settings
from imports import conf as imports_conf
from inventory import conf as inventory_conf
from loyalty import conf as loyalty_conf
from orders import conf as orders_conf
from pricing import conf as pricing_conf

ROOT = Path(__file__).resolve().parent.parent
APPS = ("retail", "pricing", "inventory", "loyalty", "orders", "imports")
PREFIXES = {"PRICING_": "pricing", "INVENTORY_": "inventory", "LOYALTY_": "loyalty"}
PREFIXES |= {"ORDERS_": "orders", "IMPORTS_": "imports"}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text())


def _settings_reads(tree):
    """(name, how) of every ``settings.NAME`` and ``getattr(settings, ...)`` in the code."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "settings":
            yield node.attr, "attribute"
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "getattr"
            and node.args
            and getattr(node.args[0], "id", None) == "settings"
        ):
            yield ast.unparse(node), "getattr"


def test_app_settings_are_read_only_through_their_apps_conf():
    misplaced = []
    for module, tree in _modules():
        for name, how in _settings_reads(tree):
            if how == "getattr":
                misplaced.append(f"{module}: {name} (a default in code)")
                continue
            app = next((app for p, app in PREFIXES.items() if name.startswith(p)), None)
            if app is not None and module != f"{app}/conf.py":
                misplaced.append(f"{module}: settings.{name}")
    assert misplaced == []


def test_app_settings_read_by_a_conf_have_a_default_in_retail_settings():
    read = {
        name
        for module, tree in _modules()
        if module.endswith("/conf.py")
        for name, _ in _settings_reads(tree)
    }
    assert read, "no conf module found"
    assert sorted(name for name in read if not hasattr(project_settings, name)) == []


# The defaults the code had before they moved to retail/settings.py.
DEFAULTS = [
    (inventory_conf.reservation_ttl, (), timedelta(minutes=30)),
    (inventory_conf.feed_chunk_size, (), 10_000),
    (inventory_conf.feed_lock_timeout_ms, (), 5_000),
    (loyalty_conf.member_group_code, (), "MEMBER"),
    (loyalty_conf.signup_bonus, (), 100),
    (loyalty_conf.points_ttl, (), timedelta(days=730)),
    (loyalty_conf.points_per_unit, ("EUR",), Decimal(7)),
    (loyalty_conf.point_value, ("DKK",), Decimal("0.05")),
    (orders_conf.return_days, (), 30),
    (orders_conf.sms_backend_path, (), "orders.notifications.sms.ConsoleSmsBackend"),
    (orders_conf.sms_file_path, (), ROOT / "var" / "sms.log"),
    (orders_conf.notification_max_attempts, (), 8),
    (orders_conf.notification_stale_after, (), timedelta(seconds=600)),
    (pricing_conf.market_time_zone, ("SE",), "Europe/Stockholm"),
    (pricing_conf.market_time_zone, ("XX",), "UTC"),
    (imports_conf.time_zone, (), ZoneInfo("Europe/Copenhagen")),
    (imports_conf.price_change_warn_percent, (), Decimal(50)),
    (imports_conf.max_errors, (), 1000),
    (imports_conf.diff_sample, (), 200),
    (imports_conf.sql_chunk, (), 900),
]


@pytest.mark.parametrize(
    ("accessor", "args", "expected"),
    DEFAULTS,
    ids=[f"{a.__module__}.{a.__name__}{args}" for a, args, _ in DEFAULTS],
)
def test_app_settings_defaults_are_those_the_code_had(monkeypatch, accessor, args, expected):
    for env in ("ORDERS_SMS_BACKEND", "ORDERS_SMS_FILE_PATH", "ORDERS_RETURN_DAYS"):
        if env in os.environ:
            pytest.skip(f"{env} is set in this environment")
    assert accessor(*args) == expected


@pytest.mark.parametrize(
    ("name", "value", "accessor", "args", "expected"),
    [
        ("INVENTORY_RESERVATION_TTL", 120, inventory_conf.reservation_ttl, (), timedelta(0, 120)),
        ("LOYALTY_MEMBER_GROUP_CODE", "CLUB", loyalty_conf.member_group_code, (), "CLUB"),
        ("ORDERS_SMS_FILE_PATH", "", orders_conf.sms_file_path, (), ROOT / "var" / "sms.log"),
        ("PRICING_MARKET_TIME_ZONES", {}, pricing_conf.market_time_zone, ("DK",), "UTC"),
        ("IMPORTS_TIME_ZONE", "UTC", imports_conf.time_zone, (), ZoneInfo("UTC")),
    ],
)
def test_app_settings_are_read_at_call_time(settings, name, value, accessor, args, expected):
    setattr(settings, name, value)
    assert accessor(*args) == expected
