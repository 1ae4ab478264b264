#!/usr/bin/env bash
# Installs Debian's PostgreSQL server and client programs (initdb, postgres,
# pg_dump, pg_restore, psql of one major version) when they are missing.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/pg_restore" >/dev/null && compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
  exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
  echo "setup-postgres: PostgreSQL is missing; run as root, or: sudo apt-get install -y postgresql postgresql-client" >&2
  exit 1
fi
echo "setup-postgres: installing Debian's postgresql and postgresql-client"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql postgresql-client openssl >/dev/null
