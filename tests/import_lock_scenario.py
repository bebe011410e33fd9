"""Run by tests/test_import_safety.py in a process of its own, against a database file (SQLite)
or the test database (PostgreSQL): a spreadsheet import runs in one thread while 20 case-worker
page requests run in others. Prints one JSON line: the requests' status codes, the import's
result and the rows written.

    DATABASE_URL=sqlite:///copy.sqlite3 python tests/import_lock_scenario.py <rows> [<timeout s>]

The optional busy timeout replaces the 30 s of foljsam/settings.py, so that a test can show in
seconds what a long write lock would do to the pages.
"""

import json
import os
import sys
import threading
import traceback
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
sys.path.insert(0, str(BASE / "bench"))


def main():
    rows = int(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foljsam.settings")
    from django.conf import settings

    if len(sys.argv) > 2 and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATABASES["default"]["OPTIONS"]["timeout"] = float(sys.argv[2])
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.IMPORT_MAX_ROWS_PER_DAY = 10**9
    import import_rows as bench
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from core.models import Membership, Role
    from enrolments.models import Enrolment
    from imports import services

    project, manager = bench._project(f"Lock {os.getpid()}")
    worker = type(manager).objects.create_user(f"worker-{os.getpid()}", password="x")
    Membership.objects.create(
        user=worker,
        organisation=project.owner,
        project=project,
        role=Role.CASE_WORKER,
    )
    content = bench.to_bytes(bench.generate(rows), "csv")
    upload = services.store_upload(
        project=project, by=manager, filename="lock.csv", content=content
    )
    services.validate_upload(upload)
    connection.close()
    url = reverse("enrolments:case_list", kwargs={"project_id": project.pk})
    statuses, result, errors = [], {}, []
    started = threading.Event()

    def run_import():
        try:
            started.set()
            result.update(services.import_upload(upload, by=manager, only_valid=False))
        except Exception:  # noqa: BLE001 - reported to the test
            errors.append(traceback.format_exc())
        finally:
            connection.close()

    def read_page():
        client = Client()
        answered = 0
        try:
            client.force_login(worker)  # signing in writes too (session, audit entry)
            for _ in range(3):
                statuses.append(client.get(url).status_code)
                answered += 1
        except Exception as error:  # noqa: BLE001 - a failing page is what the test counts
            failure = type(error).__name__ + ": " + str(error)[:100]
            statuses.extend([failure] * (3 - answered))
            if os.environ.get("SCENARIO_TRACEBACKS"):
                errors.append(traceback.format_exc()[-1500:])
        finally:
            connection.close()

    importer = threading.Thread(target=run_import)
    importer.start()
    started.wait()
    readers = [threading.Thread(target=read_page) for _ in range(20)]
    for thread in readers:
        thread.start()
    for thread in [*readers, importer]:
        thread.join()
    written = Enrolment.objects.filter(project=project).count()
    print(json.dumps({"statuses": statuses, "result": result, "errors": errors, "rows": written}))


if __name__ == "__main__":
    main()
