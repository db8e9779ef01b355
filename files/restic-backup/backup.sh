#!/bin/sh
# Nightly restic backup of the GlusterFS volumes (mounted read-only at /data) into the
# repository on the backup disk. Any failing step fails the Job so that it is retried.
set -e

export RESTIC_REPOSITORY=/repo
export RESTIC_PASSWORD_FILE=/secrets/password

# A repository that cannot be listed does not exist yet: create it on the first run.
if ! restic snapshots >/dev/null 2>&1; then
    echo "Initialising restic repository at $RESTIC_REPOSITORY"
    restic init
fi

echo "Backing up /data"
restic backup \
    --verbose \
    --tag glusterfs \
    --tag scheduled \
    --iexclude-file=/config/excludes.txt \
    --exclude-caches \
    --exclude-if-present .nobackup \
    --one-file-system \
    --skip-if-unchanged \
    /data

echo "Applying the retention policy"
restic forget \
    --keep-daily 7 \
    --keep-weekly 4 \
    --keep-monthly 6 \
    --prune

echo "Checking repository integrity"
restic check

echo "Backup finished"
