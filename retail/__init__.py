"""The core app, and the Django project package (settings, urls, the Celery app).

The Celery app is not imported here but by ``RetailConfig.ready`` (so every
Django process has it before a task is sent) and by ``celery -A retail``
(which finds ``retail.celery``).  Importing a pure module of this package,
such as ``retail.money`` for the pricing engine, then imports no Django.
"""

__all__ = ("celery_app",)


def __getattr__(name: str):
    # ``retail.celery_app``, the name Celery's Django guide gives the app, still works.
    if name == "celery_app":
        from retail.celery import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
