#!/usr/bin/env bash
# Install (Debian) and start the engines the scale-out tests run against: PostgreSQL and Redis.
# Safe to run again: it installs what is missing, starts what is down, creates what is absent.
# Prints the environment the tests read, e.g.
#   eval "$(scripts/services.sh)"   →   DMS_TEST_DATABASE_URL and DMS_TEST_REDIS_URL
set -euo pipefail
cd "$(dirname "$0")/.."

PG_USER=${DMS_PG_USER:-dms}
PG_PASSWORD=${DMS_PG_PASSWORD:-dms}
PG_DB=${DMS_PG_DB:-dms}
REDIS_PORT=${DMS_REDIS_PORT:-6379}

PACKAGES=(postgresql redis-server)
missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  as_root=()
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      as_root=(sudo)
    else
      echo "services.sh needs root to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "Installing Debian packages: ${missing[*]}" >&2
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  # policy-rc.d-less containers: the packages' own service start may fail; we start below.
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL: the first cluster Debian made (create one if there is none), started.
if ! pg_lsclusters -h | grep -q .; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  pg_createcluster "$version" main >&2
fi
read -r pg_version pg_cluster pg_port pg_status _ < <(pg_lsclusters -h | head -1)
if [ "$pg_status" != "online" ]; then
  pg_ctlcluster "$pg_version" "$pg_cluster" start >&2
fi
as_postgres() { (cd / && runuser -u postgres -- "$@"); }
if ! as_postgres psql -p "$pg_port" -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'" \
  | grep -q 1; then
  as_postgres psql -p "$pg_port" -q -c \
    "CREATE ROLE \"$PG_USER\" LOGIN CREATEDB PASSWORD '$PG_PASSWORD'" >&2
fi
# Tests drop the scratch databases they made WITH (FORCE), which must be able to end an
# autovacuum worker (owned by postgres) still busy in a freshly restored database.
as_postgres psql -p "$pg_port" -q -c "GRANT pg_signal_backend TO \"$PG_USER\"" >&2
if ! as_postgres psql -p "$pg_port" -tAc "SELECT 1 FROM pg_database WHERE datname='$PG_DB'" \
  | grep -q 1; then
  as_postgres createdb -p "$pg_port" -O "$PG_USER" "$PG_DB" >&2
fi

# Redis: a server on loopback, started as a daemon unless one answers already.
if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  mkdir -p /tmp/dms-redis
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" \
    --appendonly no --dir /tmp/dms-redis --logfile /tmp/dms-redis/redis.log >&2
  for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

echo "export DMS_TEST_DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$pg_port/$PG_DB"
echo "export DMS_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
