#!/usr/bin/env bash
# Installs Debian's PostgreSQL server when initdb is missing, for the pg state-backend tests
# (tests/pg_server.py finds the binaries on PATH or under /usr/lib/postgresql/*/bin).
# Idempotent: does nothing when initdb is already there.
set -euo pipefail

if command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  echo "install-postgres: initdb found, nothing to do"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-postgres: initdb is missing and apt-get is not available; install PostgreSQL 15 by hand" >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# The tests start their own server: keep the package from creating (and starting) a main cluster,
# as the official postgres image does: postgresql-common first, then switch create_main_cluster off.
$sudo apt-get install -y -qq --no-install-recommends postgresql-common
$sudo sed -ri 's/#?\s*(create_main_cluster)\s*=.*$/\1 = false/' /etc/postgresql-common/createcluster.conf
# postgresql: server binaries (initdb, pg_ctl, postgres); postgresql-client: psql.
$sudo apt-get install -y -qq --no-install-recommends postgresql postgresql-client
echo "install-postgres: installed $(ls -d /usr/lib/postgresql/*/bin | tail -n 1)"
