# Restores one SQLite database from its litestream replica before the app starts.
# Runs as `/bin/sh -c`; configs.litestream.litestream_restore_script() fills the two values.
DB_PATH=
CONFIG=
[ -n "$DB_PATH" ] && [ -n "$CONFIG" ] || { echo "restore: DB_PATH and CONFIG must be set" >&2; exit 1; }

mkdir -p "$(dirname "$DB_PATH")"
if [ -f "$DB_PATH" ]; then
    echo "restore: $DB_PATH exists, nothing to do"
    exit 0
fi

# A missing backup is normal on first start: the app then creates an empty database.
if ! litestream restore -config "$CONFIG" -if-replica-exists "$DB_PATH"; then
    echo "restore: WARNING: restoring $DB_PATH failed, starting without it" >&2
elif [ ! -f "$DB_PATH" ]; then
    echo "restore: WARNING: no backup of $DB_PATH found, starting with an empty database" >&2
fi
