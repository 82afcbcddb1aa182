"""Imports' Celery tasks: thin, idempotent wrappers around the run services."""

from celery import shared_task

from imports.models import ImportRun
from imports.services import import_run_apply, import_run_validate


@shared_task(name="imports.validate_run")
def validate_run(run_id: int) -> str:
    """Check the file of run ``run_id`` and store its preview; return the run's status.

    Returns at once for a missing run or one past validation, so a
    redelivered message changes nothing.
    """
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        return "missing"
    return import_run_validate(run=run).status


@shared_task(name="imports.apply_run")
def apply_run(run_id: int) -> str:
    """Apply the confirmed run ``run_id`` in one transaction; return the run's status.

    Only an ``applying`` run is written, so a redelivered message changes nothing.
    """
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        return "missing"
    return import_run_apply(run=run).status
