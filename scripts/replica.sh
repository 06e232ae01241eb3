#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL (127.0.0.1:5432) on another port, for the tests of reads
# on a replica (DATABASE_READ_URL; test/server/read-replica.test.ts). .ci/run starts one; on a developer's
# machine:
#
#   bash scripts/replica.sh start   base backup (pg_basebackup -R) into a scratch folder, then start it
#   bash scripts/replica.sh stop    stop it and remove the folder
#
#   PRIMARY_PORT (5432), REPLICA_PORT (5433), REPLICA_DIR (/tmp/doorstep-replica) change the defaults.
#
# The primary must take replication connections from 127.0.0.1: a `host replication` line (trust, as the
# machine's other loopback lines) is put first in its pg_hba.conf when none lets postgres in. Run as root
# (the server's programs run as the postgres user) or as the user who owns the clusters.
set -euo pipefail

primary_port="${PRIMARY_PORT:-5432}"
port="${REPLICA_PORT:-5433}"
dir="${REPLICA_DIR:-/tmp/doorstep-replica}"

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
primary() { psql -h 127.0.0.1 -p "$primary_port" -U postgres -d postgres -XAtq -c "$1"; }

# The replica's programs are those of the primary's major version (a replica must match it).
major=$(primary "select current_setting('server_version_num')::int / 10000")
bin="/usr/lib/postgresql/$major/bin"
[ -x "$bin/pg_ctl" ] || { echo "replica: no PostgreSQL $major programs in $bin" >&2; exit 1; }

stop() {
  if [ -f "$dir/postmaster.pid" ]; then as_postgres "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true; fi
  rm -rf "$dir"
}

case "${1:-}" in
  stop)
    stop
    echo "replica: stopped"
    exit 0
    ;;
  start) ;;
  *)
    echo "usage: bash scripts/replica.sh start|stop" >&2
    exit 2
    ;;
esac

started=$(date +%s)
stop

# A replication connection is matched only by `replication` lines of pg_hba.conf ("all" does not cover
# it), and Debian's default one asks for a password: when none lets postgres in from 127.0.0.1, a
# trust line (as the machine's other loopback lines) goes first, where it is matched before the others.
can_replicate() {
  psql "host=127.0.0.1 port=$primary_port user=postgres replication=true" -XAtq -c "IDENTIFY_SYSTEM" >/dev/null 2>&1
}
if ! can_replicate; then
  hba=$(primary "show hba_file")
  sed -i '1i host replication postgres 127.0.0.1/32 trust  # scripts/replica.sh: a local streaming replica for tests' "$hba"
  primary "select pg_reload_conf()" >/dev/null
  sleep 1
  can_replicate || { echo "replica: replication from 127.0.0.1 is still refused; see $hba" >&2; exit 1; }
  echo "replica: replication from 127.0.0.1 allowed in $hba"
fi

mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
chmod 700 "$dir"
# -R writes standby.signal and primary_conninfo; -X stream brings the WAL written during the copy.
as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir" -R -X stream -c fast

# Debian keeps a cluster's configuration outside its data folder, so the copy has none: the replica gets
# its own. A hot standby needs these limits at least as high as the primary's.
{
  echo "port = $port"
  echo "listen_addresses = '127.0.0.1'"
  echo "unix_socket_directories = '$dir'"
  echo "hot_standby = on"
  # A scratch copy for tests: nothing to keep across a crash, so no flushing to disk.
  echo "fsync = off"
  echo "shared_buffers = 32MB"
  # A test's read waits at most this long for replay it conflicts with, rather than being cancelled.
  echo "max_standby_streaming_delay = 30s"
  for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
    echo "$setting = $(primary "show $setting")"
  done
} | as_postgres tee "$dir/postgresql.conf" >/dev/null
printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_postgres tee "$dir/pg_hba.conf" >/dev/null

as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null
for _ in $(seq 1 30); do
  [ "$(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -XAtq -c 'select pg_is_in_recovery()' 2>/dev/null)" = t ] && break
  sleep 1
done
if [ "$(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -XAtq -c 'select pg_is_in_recovery()')" != t ]; then
  echo "replica: the server on port $port is not a standby; see $dir/server.log" >&2
  exit 1
fi
echo "replica: streaming from 127.0.0.1:$primary_port, reads at postgres://postgres@127.0.0.1:$port ($(( $(date +%s) - started )) s)"
