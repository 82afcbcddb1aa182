"""Placeholder."""

COLUMNS = ()


def check(table, *, at, report, progress=None):
    raise NotImplementedError


def apply(plan, *, run, at, user, progress=None):
    raise NotImplementedError


def export_dataset():
    raise NotImplementedError
