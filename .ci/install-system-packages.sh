#!/usr/bin/env bash
# Installs the Debian packages that some tests drive for real, when they are missing:
#   PostgreSQL 15 server + client  the pg state-backend and locking tests (tests/pg_server.py)
#   rsync                          gitlab-ci-local copies the repository with it (tests/test_gitlab_ci.py)
#   nginx-light                    serves the nginx configs for real (tests/configs/)
# Idempotent: installs nothing that is already there. The tests skip, with the reason, where a
# package could not be installed, so a machine without apt still runs the rest.
set -euo pipefail

have_initdb() {
  command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

missing=()
have_initdb || missing+=(postgresql-common postgresql postgresql-client)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || missing+=(nginx-light)
command -v ruby >/dev/null 2>&1 || missing+=(ruby)  # evaluates gitlab.rb (tests/configs/omnibus_stub.rb)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-system-packages: everything is there"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-packages: missing ${missing[*]} and no apt-get; the tests that need them will skip" >&2
  exit 0
fi

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
  # The tests start their own server: keep the package from creating (and starting) a main
  # cluster, as the official postgres image does.
  $sudo apt-get install -y -qq --no-install-recommends postgresql-common
  $sudo sed -ri 's/#?\s*(create_main_cluster)\s*=.*$/\1 = false/' /etc/postgresql-common/createcluster.conf
fi
# nginx-light's postinst starts a server on port 80: keep it from doing so (policy-rc.d 101).
printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
$sudo chmod +x /usr/sbin/policy-rc.d
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
$sudo rm -f /usr/sbin/policy-rc.d
echo "install-system-packages: installed ${missing[*]}"
