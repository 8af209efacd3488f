#!/bin/sh
# Nightly: verify the audit chain, then `devzone backup` (every table and every uploaded file, with checksums, in
# one .zip written atomically), keeping DEVZONE_BACKUP_KEEP_DAYS days of archives.
# A non-zero exit makes the systemd unit fail, which `systemctl --failed` and monitoring show.
set -eu
DIR=${DEVZONE_BACKUP_DIR:-/var/backups/devzone}
KEEP=${DEVZONE_BACKUP_KEEP_DAYS:-30}
DEVZONE=${DEVZONE_BIN:-/opt/devzone/venv/bin/devzone}
mkdir -p "$DIR"
"$DEVZONE" audit verify
FILE="$DIR/devzone-$(date +%Y%m%d-%H%M%S).zip"
"$DEVZONE" backup "$FILE"
find "$DIR" -maxdepth 1 -type f -name 'devzone-*.zip' -mtime +"$KEEP" -delete
echo "backup written: $FILE"
