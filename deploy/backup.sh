#!/usr/bin/env bash
# Nightly backup of one Takamul installation (docs/DEPLOY.md, "Backups"):
# the database first, then the photos, so every photo the copy refers to is
# in the photo copy (photos are written once under random names and never
# changed; extra ones are harmless). Run as the `takamul` user from cron:
#   /etc/cron.d/takamul-backup:  15 2 * * * takamul /opt/takamul/backup.sh
set -euo pipefail
set -a
# shellcheck disable=SC1091
source "${TAKAMUL_ENV_FILE:-/etc/takamul/takamul.env}"
set +a
BACKUP_DIR="${BACKUP_DIR:-/var/backups/takamul}"
KEEP_DAYS="${KEEP_DAYS:-14}"
SERVER="${SERVER:-/opt/takamul/server}"
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
mkdir -p "$BACKUP_DIR/db" "$BACKUP_DIR/photos"

# A consistent copy while the server runs (SQLite VACUUM INTO / pg_dump).
"$SERVER" backup "$BACKUP_DIR/db/takamul-$stamp.backup"

# Photos: a folder (rsync keeps one growing copy; nothing is ever deleted from
# it, so an older database backup still finds its photos), or a bucket
# (the bucket's own versioning or replication, see docs/DEPLOY.md).
if [ -z "${TAKAMUL_PHOTO_BUCKET:-}" ]; then
  rsync -a "${TAKAMUL_PHOTO_DIR:-/var/lib/takamul/photos}/" "$BACKUP_DIR/photos/"
fi

find "$BACKUP_DIR/db" -name 'takamul-*.backup' -mtime +"$KEEP_DAYS" -delete
echo "backup done: $BACKUP_DIR/db/takamul-$stamp.backup"
# Then copy $BACKUP_DIR off the machine (another region or provider).
