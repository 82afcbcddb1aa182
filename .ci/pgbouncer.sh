#!/usr/bin/env bash
# Start PgBouncer (Debian's package) with .ci/pgbouncer.ini on 127.0.0.1:6432, in front of the
# 127.0.0.1:5432 PostgreSQL.  Idempotent: installs the package once, leaves a running bouncer
# that answers alone.  `.ci/pgbouncer.sh --stop` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=6432
RUN=/var/run/pgbouncer-ci
log() { echo "pgbouncer: $*" >&2; }
answers() { psql -h 127.0.0.1 -p "$PORT" -U postgres -XAtq -d postgres -c "SELECT 1" >/dev/null 2>&1; }

if [ "${1:-}" = "--stop" ]; then
    if [ -f "$RUN/pgbouncer.pid" ]; then kill "$(cat "$RUN/pgbouncer.pid")" 2>/dev/null || true; fi
    exit 0
fi
if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then
    log "installing Debian's pgbouncer"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
    # The package starts its own service on 6432 with /etc/pgbouncer; ours replaces it.
    systemctl stop pgbouncer 2>/dev/null || service pgbouncer stop 2>/dev/null || true
fi
if answers; then
    log "already answering on port $PORT"
    exit 0
fi
mkdir -p "$RUN"
chown postgres:postgres "$RUN"
# The repository's file ends in its [pgbouncer] section: the run's paths go on after it.
cat .ci/pgbouncer.ini - >"$RUN/pgbouncer.ini" <<INI
logfile = $RUN/pgbouncer.log
pidfile = $RUN/pgbouncer.pid
unix_socket_dir = $RUN
auth_file = $RUN/users.txt
INI
echo '"postgres" ""' >"$RUN/users.txt"
chown postgres:postgres "$RUN"/*
runuser -u postgres -- /usr/sbin/pgbouncer -d "$RUN/pgbouncer.ini"
for _ in $(seq 30); do answers && break; sleep 0.5; done
answers || { log "does not answer; its log:"; tail -20 "$RUN/pgbouncer.log" >&2; exit 1; }
log "transaction pooling on 127.0.0.1:$PORT"
