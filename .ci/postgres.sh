#!/usr/bin/env bash
# Prepares a local PostgreSQL for the Opportunity.Persistence.PostgreSql tests. Idempotent.
#
#   eval "$(bash .ci/postgres.sh)"              # exports the variables into the calling shell
#   bash .ci/postgres.sh --env-file pg.env      # or writes them to a file to source later
#
# 1. installs PostgreSQL from Debian's packages when it is missing (needs root),
# 2. creates and starts the newest installed cluster,
# 3. creates the database, an owner role (owns the test schemas, runs migrations, owns the
#    SECURITY DEFINER functions doing cross-tenant work) and an app role that is neither superuser,
#    owner, BYPASSRLS nor a member of the owner role (so row-level security applies to it and it
#    cannot SET ROLE to the owner); the app role's table and function rights are granted by the
#    store's migrations (PostgreSqlStoreOptions.GrantTo),
# 4. prints `export OPPORTUNITY_POSTGRES=...` (owner) and `export OPPORTUNITY_POSTGRES_APP=...`.
# Everything else goes to stderr, so stdout can be eval'ed.
set -euo pipefail

DATABASE=${OPPORTUNITY_PG_DATABASE:-opportunity_test}
OWNER=${OPPORTUNITY_PG_OWNER:-opportunity_owner}
OWNER_PASSWORD=${OPPORTUNITY_PG_OWNER_PASSWORD:-opportunity_owner_pw}
APP=${OPPORTUNITY_PG_APP:-opportunity_app}
APP_PASSWORD=${OPPORTUNITY_PG_APP_PASSWORD:-opportunity_app_pw}
ENV_FILE=""
if [[ "${1:-}" == "--env-file" ]]; then ENV_FILE=${2:?--env-file needs a path}; fi

log() { echo "postgres.sh: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  log "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y postgresql >&2
fi

VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" { found = 1 } END { exit !found }'; then
  log "creating cluster $VERSION/main"
  pg_createcluster "$VERSION" main >&2
fi

if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" && $4 ~ /online/ { found = 1 } END { exit !found }'; then
  log "starting cluster $VERSION/main"
  pg_ctlcluster "$VERSION" main start >&2
fi

PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" { print $3 }')
for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
  sleep 0.5
done
pg_isready -h 127.0.0.1 -p "$PORT" >&2

as_postgres() { PGOPTIONS="--client-min-messages=warning" runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }

as_postgres -d postgres >&2 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$OWNER') THEN
    CREATE ROLE $OWNER LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP') THEN
    CREATE ROLE $APP LOGIN;
  END IF;
END
\$\$;
ALTER ROLE $OWNER LOGIN PASSWORD '$OWNER_PASSWORD' NOSUPERUSER NOBYPASSRLS NOCREATEROLE;
ALTER ROLE $APP LOGIN PASSWORD '$APP_PASSWORD' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
DO \$\$
BEGIN
  -- A member of the owner role could SET ROLE to it and read every tenant.
  IF pg_has_role('$APP', '$OWNER', 'MEMBER') THEN
    EXECUTE format('REVOKE %I FROM %I', '$OWNER', '$APP');
  END IF;
END
\$\$;
SQL

if ! as_postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1; then
  log "creating database $DATABASE"
  as_postgres -d postgres -c "CREATE DATABASE $DATABASE OWNER $OWNER;" >&2
fi
as_postgres -d "$DATABASE" -c "GRANT CONNECT, TEMPORARY ON DATABASE $DATABASE TO $APP;" >&2

OWNER_CS="Host=127.0.0.1;Port=$PORT;Database=$DATABASE;Username=$OWNER;Password=$OWNER_PASSWORD"
APP_CS="Host=127.0.0.1;Port=$PORT;Database=$DATABASE;Username=$APP;Password=$APP_PASSWORD"
EXPORTS="export OPPORTUNITY_POSTGRES='$OWNER_CS'
export OPPORTUNITY_POSTGRES_APP='$APP_CS'"
if [[ -n "$ENV_FILE" ]]; then
  printf '%s\n' "$EXPORTS" > "$ENV_FILE"
  log "wrote $ENV_FILE"
fi
printf '%s\n' "$EXPORTS"
log "PostgreSQL $VERSION ready on port $PORT, database $DATABASE"
