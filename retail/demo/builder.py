"""The demo seed's machinery: its settings, the context its steps share, and the runner.

A step is a plain function ``step(*, ctx)`` that adds what is missing of one
subject (stores, products, ...).  Steps look existing rows up by their natural
keys (codes, SKUs, e-mails, usernames) and bulk-create only the rest, so a
second run creates nothing and changes nothing.  Rows that belong to a parent
(a store's opening hours, a product's GTINs, a customer's consents) are
created together with their parent: an existing parent is left as it is.

Each step draws from its own ``random.Random``, seeded from the run's seed and
the step's own name (``ctx.rng("products")``), so adding a step or changing
one size never changes what another step generates.

Later apps contribute steps without the core importing them: an installed app
with a ``demo`` module (or package) that defines ``STEPS``, a list of
:class:`Step`, gets them run after the core's, in ``INSTALLED_APPS`` order
(retail, then pricing, inventory, loyalty, orders).
"""

import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils.module_loading import module_has_submodule
from tqdm import tqdm

# Rows per INSERT statement for the big tables.
BATCH_SIZE = 2000
# Progress bars appear for steps that write at least this many rows.
PROGRESS_MIN_ROWS = 1000
# "Now" of the demo data: consents, memberships and join dates are placed relative to it,
# never relative to the wall clock, so that two runs write the same rows.
DEMO_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SeedConfig:
    """How big a chain to build, from which seed.

    ``stores`` counts the stores (the warehouse comes on top); ``progress``
    ``None`` shows progress bars only when stderr is a terminal.
    """

    seed: int = 42
    stores: int = 12
    products: int = 2000
    customers: int = 500
    progress: bool | None = None


@dataclass(frozen=True)
class Step:
    """One named build step; ``func`` is called as ``func(ctx=ctx)``."""

    name: str
    func: Callable[..., None]


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    description: str


@dataclass(frozen=True)
class IssuedKey:
    """A demo API key; ``key`` is None when the client already had another key."""

    client: str
    channel: str
    store: str
    key: str | None


@dataclass
class SeedContext:
    """What the steps share: the config, the rows they made and what to print at the end.

    ``shared`` carries objects from one step to the next (for instance
    ``"channels"``: code -> Channel, ``"stores"``: the warehouse, then the
    stores in plan order); later steps may add their own keys.  ``summary``
    maps a label to the rows of that kind in the database after the step.
    """

    config: SeedConfig
    log: Callable[[str], None] = lambda message: None
    created: Counter = field(default_factory=Counter)
    summary: dict[str, int] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)
    api_keys: list[IssuedKey] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)

    def rng(self, *parts: object) -> random.Random:
        """Return a generator seeded by the run's seed and ``parts``; the same on every run.

        A string seed is hashed with SHA-512 by ``random``, so it does not depend
        on ``PYTHONHASHSEED``.
        """
        return random.Random(":".join(str(part) for part in (self.config.seed, *parts)))

    def progress(self, *, total: int, desc: str) -> tqdm:
        """A progress bar on stderr for a long write; silent for small ones or off a terminal."""
        show = self.config.progress
        if show is None:
            show = sys.stderr.isatty()
        return tqdm(
            total=total,
            desc=desc,
            unit=" rows",
            file=sys.stderr,
            leave=False,
            disable=not show or total < PROGRESS_MIN_ROWS,
        )

    def bulk_create(self, model: type[models.Model], objs: Sequence[models.Model]) -> None:
        """Insert ``objs`` in batches of ``BATCH_SIZE``, counting them and showing progress."""
        if not objs:
            return
        with self.progress(total=len(objs), desc=model._meta.verbose_name_plural) as bar:
            for start in range(0, len(objs), BATCH_SIZE):
                batch = objs[start : start + BATCH_SIZE]
                model.objects.bulk_create(batch, batch_size=BATCH_SIZE)
                bar.update(len(batch))
        self.count(model, len(objs))

    def count(self, model: type[models.Model], rows: int) -> None:
        """Record ``rows`` new rows of ``model`` (for rows written without ``bulk_create``)."""
        if rows:
            self.created[model._meta.label] += rows


@dataclass(frozen=True)
class SeedReport:
    config: SeedConfig
    created: dict[str, int]
    summary: dict[str, int]
    logins: list[Login]
    api_keys: list[IssuedKey]
    seconds: float

    @property
    def rows_created(self) -> int:
        return sum(self.created.values())


def demo_steps() -> list[Step]:
    """Collect ``STEPS`` from the ``demo`` module of every installed app, in app order."""
    steps: list[Step] = []
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "demo"):
            module = import_module(f"{app_config.name}.demo")
            steps.extend(getattr(module, "STEPS", ()))
    return steps


def demo_seed(
    *,
    config: SeedConfig,
    steps: Iterable[Step] | None = None,
    log: Callable[[str], None] | None = None,
) -> SeedReport:
    """Build the demo chain described by ``config``, all in one transaction.

    Creates only what is missing, so it can run again on a seeded database
    without changing anything; on an error nothing at all is written.
    ``log`` receives one line per step with its duration.
    """
    ctx = SeedContext(config=config, log=log) if log else SeedContext(config=config)
    started = time.perf_counter()
    with transaction.atomic():
        for step in demo_steps() if steps is None else steps:
            step_started = time.perf_counter()
            step.func(ctx=ctx)
            ctx.log(f"{step.name}: {time.perf_counter() - step_started:.1f} s")
    return SeedReport(
        config=config,
        created=dict(ctx.created),
        summary=dict(ctx.summary),
        logins=list(ctx.logins),
        api_keys=list(ctx.api_keys),
        seconds=time.perf_counter() - started,
    )
