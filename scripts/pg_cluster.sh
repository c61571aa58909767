#!/usr/bin/env bash
# Run a command beside a throwaway PostgreSQL cluster:
#   scripts/pg_cluster.sh COMMAND [ARGS...]
# initdb into a temporary directory (as the `postgres` user when run as
# root, as CI does), start it on a free loopback port with its unix socket
# in that directory, create database cohort_test, export
# COHORT_TEST_PG_URL=postgresql://cohort@127.0.0.1:PORT/cohort_test, run
# COMMAND, then stop the cluster and remove the directory (also on failure
# or interrupt).  Exits with COMMAND's status; fails loudly when PostgreSQL
# is missing or does not start.  PGBIN overrides the server binaries'
# directory (default: the newest /usr/lib/postgresql/*/bin).  The cluster
# does not fsync (a test cluster) unless PG_CLUSTER_DURABLE=1 (benchmarks).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "pg_cluster: no PostgreSQL server binaries (install the postgresql package or set PGBIN)" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/cohort-pg.XXXXXX)
as_owner() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as_owner() { runuser -u postgres -- "$@"; }
fi
stop() {
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_owner "$PGBIN/initdb" -D "$dir/data" -U cohort -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; echo "pg_cluster: initdb failed" >&2; exit 1; }
# a test cluster: no fsync (nothing here must survive a crash of the machine)
fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${PG_CLUSTER_DURABLE:-0}" = 1 ] && fast=""
as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $fast -c max_connections=200" \
  start >/dev/null ||
  { cat "$dir/server.log" >&2; echo "pg_cluster: the server did not start" >&2; exit 1; }
"$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U cohort cohort_test
export COHORT_TEST_PG_URL="postgresql://cohort@127.0.0.1:$port/cohort_test"
echo "pg_cluster: $COHORT_TEST_PG_URL (PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'))" >&2
set +e
"$@"
rc=$?
exit $rc
