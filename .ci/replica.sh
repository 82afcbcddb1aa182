#!/usr/bin/env bash
# A real PostgreSQL streaming replica of the 127.0.0.1:5432 server on 127.0.0.1:5433, built
# with `pg_basebackup -R` (hot standby, no replication slot: a replica left behind never makes
# the primary keep WAL).  Prints the replica's URL (DATABASE_REPLICA_URL) on stdout, all else
# on stderr.  Idempotent: a second run leaves a streaming replica alone, rebuilds a broken one.
#
# The primary needs wal_level >= replica (Debian's default), a free WAL sender (max_wal_senders
# 10 by default) and a pg_hba.conf line for physical replication from 127.0.0.1, which
# `host all all ...` does not cover.  When the replication connection is refused, this adds
#     host replication all 127.0.0.1/32 trust
# to the file `SHOW hba_file` names and reloads (pg_reload_conf(): no restart, sessions stay).
#
# Usage: .ci/replica.sh [database name for the printed URL, default retail_ci]
#        .ci/replica.sh --stop     stop the replica and remove its data directory
set -euo pipefail

PRIMARY_PORT=${PRIMARY_PORT:-5432}
PORT=${REPLICA_PORT:-5433}
DATA=${REPLICA_DATA:-/var/lib/postgresql/replica-${PORT}}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DB=${1:-retail_ci}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
log() { echo "replica: $*" >&2; }
primary() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -XAtq -d postgres -c "$1"; }
replica() { psql -h 127.0.0.1 -p "$PORT" -U postgres -XAtq -d postgres -c "$1" 2>/dev/null; }

stop() {
    if [ -f "$DATA/postmaster.pid" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
    fi
}

if [ "${1:-}" = "--stop" ]; then
    stop
    rm -rf "$DATA"
    exit 0
fi

if [ "$(replica "SELECT pg_is_in_recovery()")" = t ] &&
    [ "$(replica "SELECT status FROM pg_stat_wal_receiver")" = streaming ]; then
    log "already streaming on port $PORT"
    echo "postgres://postgres@127.0.0.1:${PORT}/${DB}"
    exit 0
fi

if ! psql "host=127.0.0.1 port=$PRIMARY_PORT user=postgres replication=true" -XAtq \
    -c "IDENTIFY_SYSTEM" >/dev/null 2>&1; then
    HBA=$(primary "SHOW hba_file")
    LINE="host replication all 127.0.0.1/32 trust"
    if ! grep -qxF "$LINE" "$HBA"; then
        log "allowing replication connections from 127.0.0.1 in $HBA"
        echo "$LINE" >>"$HBA"
    fi
    primary "SELECT pg_reload_conf()" >/dev/null
    sleep 1
fi

stop
rm -rf "$DATA"
mkdir -p "$(dirname "$DATA")"
log "pg_basebackup of 127.0.0.1:$PRIMARY_PORT into $DATA"
as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" \
    -R -X stream --checkpoint=fast
# Debian keeps the primary's configuration under /etc: the copy gets a minimal one of its own.
# A hot standby needs at least the primary's max_connections and the like.
{
    echo "port = $PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '/var/run/postgresql'"
    echo "hot_standby = on"
    echo "hot_standby_feedback = on"
    for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
        max_locks_per_transaction; do
        echo "$name = $(primary "SHOW $name")"
    done
    echo "logging_collector = off"
} | as_pg tee "$DATA/postgresql.conf" >/dev/null
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_pg tee "$DATA/pg_hba.conf" >/dev/null
as_pg touch "$DATA/pg_ident.conf"
as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$DATA/replica.log" -w -t 60 start >&2

for _ in $(seq 60); do
    [ "$(replica "SELECT status FROM pg_stat_wal_receiver")" = streaming ] && break
    sleep 1
done
if [ "$(replica "SELECT status FROM pg_stat_wal_receiver")" != streaming ]; then
    log "the replica does not stream; its log:"
    tail -20 "$DATA/replica.log" >&2
    exit 1
fi
log "streaming on port $PORT"
echo "postgres://postgres@127.0.0.1:${PORT}/${DB}"
