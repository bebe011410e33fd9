#!/bin/sh
# The container's entry point (Dockerfile): `web`, `worker`, or any manage.py command.
#   web     migrate (unless MIGRATE_ON_START=0), then gunicorn with deploy/gunicorn.conf.py
#   worker  manage.py db_worker: runs the queued background tasks (docs/tasks.md)
#   manage  manage.py with the remaining arguments, e.g. `manage createsuperuser`
# Settings come from the environment only (docs/deploy.md has the table).
set -eu
cd "$(dirname "$0")/.."

role="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$role" in
  web)
    if [ "${MIGRATE_ON_START:-1}" = "1" ]; then
      python manage.py migrate --noinput
    fi
    # The image collects the static files when it is built; a checkout run without the image
    # collects them here.
    if [ ! -d staticfiles ]; then
      python manage.py collectstatic --noinput --verbosity 0
    fi
    exec gunicorn -c deploy/gunicorn.conf.py
    ;;
  worker)
    exec python manage.py db_worker --no-reload "$@"
    ;;
  manage)
    exec python manage.py "$@"
    ;;
  *)
    echo "Unknown role '$role': use web, worker or manage <command>." >&2
    exit 2
    ;;
esac
