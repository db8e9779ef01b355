# Restores Plex's two SQLite databases from MinIO before Plex starts (litestream-restore init
# container, run as `/bin/sh -c`). This container does not mount the sidecar's litestream
# config, so it writes its own. configs.litestream.plex_restore_script() fills the values below.
DB_DIR=
BUCKET=
ENDPOINT=
TEMP_CONFIG=/tmp/litestream.yml
OWNER=990:997
for value in "$DB_DIR" "$BUCKET" "$ENDPOINT"; do
    [ -n "$value" ] || { echo "plex-restore: DB_DIR, BUCKET and ENDPOINT must be set" >&2; exit 1; }
done

LIBRARY_DB="$DB_DIR/com.plexapp.plugins.library.db"
BLOBS_DB="$DB_DIR/com.plexapp.plugins.library.blobs.db"

mkdir -p "$DB_DIR"
if [ -f "$LIBRARY_DB" ]; then
    echo "plex-restore: $LIBRARY_DB exists, nothing to do"
    exit 0
fi

# litestream reads the MinIO credentials from its own variables; they never touch the disk.
export LITESTREAM_ACCESS_KEY_ID="$MINIO_ACCESS_KEY"
export LITESTREAM_SECRET_ACCESS_KEY="$MINIO_SECRET_KEY"

cat > "$TEMP_CONFIG" <<EOF_CONFIG
dbs:
  - path: "$LIBRARY_DB"
    replicas:
      - name: library
        type: s3
        bucket: "$BUCKET"
        path: library
        endpoint: "$ENDPOINT"
        force-path-style: true
  - path: "$BLOBS_DB"
    replicas:
      - name: blobs
        type: s3
        bucket: "$BUCKET"
        path: blobs
        endpoint: "$ENDPOINT"
        force-path-style: true
EOF_CONFIG

# A missing or unreadable backup must not keep Plex down: warn and let it start fresh.
for db in "$LIBRARY_DB" "$BLOBS_DB"; do
    echo "plex-restore: restoring $db from s3://$BUCKET"
    litestream restore -config "$TEMP_CONFIG" -if-replica-exists "$db" \
        || echo "plex-restore: WARNING: could not restore $db" >&2
done
rm -f "$TEMP_CONFIG"

# Plex runs as 990:997; the restore ran as root.
chown -R "$OWNER" "$DB_DIR" 2>/dev/null || echo "plex-restore: WARNING: chown $OWNER $DB_DIR failed" >&2
exit 0
