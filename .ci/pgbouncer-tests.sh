#!/usr/bin/env bash
# The concurrency tests once more, through PgBouncer in transaction pooling (.ci/pgbouncer.sh):
# every thread's transactions share a pool of 20 server connections, and nothing the code does
# may outlive a transaction on the server.  Needs DATABASE_URL (its database name is reused
# with a suffix) and REDIS_URL; bounded by a timeout.  The test runner cannot drop its test
# database while the bouncer still holds server connections to it: it is dropped here, forced.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/pgbouncer.sh
NAME="${DATABASE_URL##*/}_pgbouncer"
drop() {
    psql -h 127.0.0.1 -p 5432 -U postgres -XAtq -d postgres \
        -c "DROP DATABASE IF EXISTS test_${NAME} WITH (FORCE)" >/dev/null
}
drop
trap drop EXIT
echo "== the production journey and the concurrency tests through PgBouncer (127.0.0.1:6432, transaction pooling)"
SECONDS=0
DATABASE_URL="postgres://postgres@127.0.0.1:6432/${NAME}" DATABASE_POOLER=pgbouncer \
    RETAIL_TEST_REPLICA_URL="" DATABASE_REPLICA_URL="" CI=true timeout 900 .venv/bin/python -m pytest -q -p no:cacheprovider \
    -W "ignore:Error when trying to teardown test databases:pytest.PytestWarning" \
    tests/test_concurrency.py tests/test_pgbouncer.py tests/runtime/test_production_runtime.py \
    tests/orders/test_deadlocks.py tests/orders/test_wrong_pin_rollback.py \
    tests/orders/test_*concurrency*.py tests/inventory/test_*concurrency*.py \
    tests/loyalty/test_*concurrency*.py
echo "through PgBouncer in ${SECONDS}s"
