#!/usr/bin/env bash
# The API fuzzer once more on SQLite, the `make run` default (issue 14): a smaller budget than
# the PostgreSQL run inside `make test`. Idempotent: the test database is in memory.
set -euo pipefail
cd "$(dirname "$0")/.."
env -u DATABASE_URL CI=true FUZZ_MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-5}" FUZZ_SCENARIOS="${FUZZ_SCENARIOS:-10}" \
    .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_api_fuzz.py
