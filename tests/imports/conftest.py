"""Fixtures of the import tests: uploads land in a temporary media root; tasks run eagerly."""

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def eager_tasks(request):
    """Run queued jobs in this process whatever REDIS_URL says, except in the worker test."""
    if request.node.get_closest_marker("redis"):
        yield
        return
    from retail.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
