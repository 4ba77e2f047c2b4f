#!/usr/bin/env bash
# Run by the postgres image once, when its volume is first initialised (/docker-entrypoint-initdb.d):
# the two roles of BlinaTrial EDC (blinatrial/db_roles.py).
#   blinatrial_owner  owns the database and its schema; runs `manage.py migrate` (DATABASE_MIGRATION_URL)
#   blinatrial_app    the application's login (DATABASE_URL): owns nothing; migrate grants it what it needs
# Neither is a superuser. The passwords come from db.env.
set -euo pipefail
: "${BLINATRIAL_OWNER_PASSWORD:?set BLINATRIAL_OWNER_PASSWORD in db.env}"
: "${BLINATRIAL_APP_PASSWORD:?set BLINATRIAL_APP_PASSWORD in db.env}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v db="$POSTGRES_DB" \
  -v owner_password="$BLINATRIAL_OWNER_PASSWORD" \
  -v app_password="$BLINATRIAL_APP_PASSWORD" <<'SQL'
CREATE ROLE blinatrial_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE blinatrial_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
ALTER DATABASE :"db" OWNER TO blinatrial_owner;
ALTER SCHEMA public OWNER TO blinatrial_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO blinatrial_app;
SQL
