#!/usr/bin/env bash
# Refresh the Simplified Chinese catalog after changing UI strings, then compile it.
# Edit src/devzone/locale/zh_Hans/LC_MESSAGES/django.po to fill new msgstr lines, and run this again.
set -euo pipefail
cd "$(dirname "$0")/../src/devzone"
export DEVZONE_DEBUG=1
../../.venv/bin/django-admin makemessages -l zh_Hans --settings=devzone.settings --ignore "static/*" --no-obsolete
../../.venv/bin/django-admin compilemessages --settings=devzone.settings
grep -B1 '^msgstr ""$' locale/zh_Hans/LC_MESSAGES/django.po | grep '^msgid' | grep -v '^msgid ""$' || echo "all strings translated"
