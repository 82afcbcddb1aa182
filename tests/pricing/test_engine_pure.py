"""The engine is pure Python: imported in a fresh interpreter without settings, it loads no Django.

import-linter forbids ``pricing.engine -> django`` in the import graph; this test
also catches what the graph does not show, such as a package ``__init__`` on the
way (``retail``, ``pricing``) that imports Django or the Celery app.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import sys
import {module}
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
assert not loaded, loaded
"""


@pytest.mark.parametrize("module", ["pricing.engine", "retail.money"])
def test_engine_import_loads_no_django(module):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(module=module)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
