"""Faults under load (issue 16, item 5): an app process killed, a worker killed during a task,
PostgreSQL restarted, and the pruning of old work. Uses bench/load.py's server and simulated
users (run `bench/load.py setup` on the database first).

    export DATABASE_URL=postgres://postgres@127.0.0.1:55432/loadh_faults FOLJSAM_TODAY=2015-06-22
    .venv/bin/python bench/faults.py app-kill
    .venv/bin/python bench/faults.py worker-kill
    .venv/bin/python bench/faults.py pg-restart --pgdata /tmp/loadh_pg/data
    .venv/bin/python bench/faults.py prune

- app-kill: five simulated users (think time 0.3–1 s) for 45 s against gunicorn -w 2; at 12,
  22 and 32 s a gunicorn worker gets SIGKILL. Afterwards every write the client saw saved (a
  redirect) must be in the database exactly once and complete (a note with its audit entry; an
  attendance row whose hours are in the participation's total); a write whose answer was lost
  may be there or not, but whole.
- worker-kill: a goal-summary refresh task (the largest project's) and a status report PDF job
  are each started, and the db_worker gets SIGKILL while the task row (or the job) is running.
  A new worker is started (JOB_HEARTBEAT_TIMEOUT=10, JOB_SWEEP_INTERVAL=5); what the task row
  and the job say is shown after 20 s.
- pg-restart: five users for 45 s; after 15 s PostgreSQL is restarted (pg_ctl restart -m fast)
  — only a private cluster: refused when DATABASE_URL names port 5432. Counts the errors and
  whether they were the product's error page, checks the writes as above, and that requests
  succeed again after the restart without restarting gunicorn.
- prune: a finished job and a finished task row are dated 40 days back; `manage.py prune`
  must remove both and leave newer and running ones.
"""

import argparse
import datetime as dt
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402

ROOT = load.ROOT


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def users_for(specs, n=5):
    """n users in the load test's mix (case workers, a provider, a manager)."""
    return specs[:n]


def opening_balances(specs) -> dict[int, float]:
    """Per participation the providers may write to: attended hours minus the sum of its
    records (the carried-over balance, which every write must leave unchanged)."""
    from django.db.models import Sum

    from interventions.models import Participation

    ids = {pid for s in specs if s["kind"] == "pv" for pid, _d in s["slots"]}
    rows = Participation.objects.filter(pk__in=ids).annotate(
        recorded=Sum("attendance_records__hours")
    )
    return {p.pk: float(p.attended_hours - (p.recorded or 0)) for p in rows}


def check_writes(recorder, tag, balances) -> list[str]:
    """The consistency queries: returns lines of findings (an empty problem list is good)."""
    from django.db.models import Count, Sum

    from core.models import LogEntry
    from enrolments.models import ContactNote
    from interventions.models import AttendanceRecord, Participation

    lines, problems = [], []
    notes = ContactNote.objects.filter(author__username__startswith="load-").order_by("-pk")
    texts = Counter()
    pks_of = {}
    for note in notes[:5000]:
        if f"load {tag} " in note.text:
            marker = note.text.split("Samtal om praktik. ", 1)[-1]
            texts[marker] += 1
            pks_of.setdefault(marker, []).append(note.pk)
    by_outcome = Counter(outcome for kind, _m, outcome in recorder.writes if kind == "note")
    lines.append(f"notes sent: {dict(by_outcome)}; notes of this run in the database: {len(texts)}")
    for kind, marker, outcome in recorder.writes:
        if kind != "note":
            continue
        found = texts.get(marker, 0)
        if outcome == "saved" and found != 1:
            problems.append(f"a saved note is in the database {found} times")
        if outcome != "saved" and found > 1:
            problems.append(f"an unconfirmed note is in the database {found} times")
        if outcome != "saved" and found == 1:
            lines.append("a note whose answer was lost was saved (whole: checked below)")
    note_ids = [str(pk) for pks in pks_of.values() for pk in pks]
    audited = set(
        LogEntry.objects.filter(
            object_type="enrolments.ContactNote", action="create", object_id__in=note_ids
        ).values_list("object_id", flat=True)
    )
    missing = len(set(note_ids) - audited)
    lines.append(f"notes of this run without their audit entry: {missing}")
    if missing:
        problems.append(f"{missing} notes without their audit entry")

    hours = [(key, outcome) for kind, key, outcome in recorder.writes if kind == "hours"]
    lines.append(f"hours sent: {dict(Counter(o for _k, o in hours))}")
    for (participation, held_on, amount), outcome in hours:
        found = list(
            AttendanceRecord.objects.filter(
                participation_id=participation, held_on=held_on, session__isnull=True
            ).values_list("hours", flat=True)
        )
        if outcome == "saved" and (len(found) != 1 or float(found[0]) != float(amount)):
            problems.append(f"saved hours found as {found}")
        if outcome != "saved" and len(found) > 1:
            problems.append(f"unconfirmed hours found {len(found)} times")
    doubled = (
        AttendanceRecord.objects.filter(session__isnull=True)
        .values("participation_id", "held_on")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    lines.append(f"days with two single recordings for one participation: {doubled}")
    if doubled:
        problems.append(f"{doubled} doubled attendance days")
    drift = 0
    rows = Participation.objects.filter(pk__in=balances).annotate(
        recorded=Sum("attendance_records__hours")
    )
    for p in rows:
        if abs(float(p.attended_hours - (p.recorded or 0)) - balances[p.pk]) > 1e-6:
            drift += 1
    lines.append(
        f"participations whose total no longer equals records + opening balance: {drift} "
        f"of {len(balances)}"
    )
    if drift:
        problems.append(f"{drift} participations with totals out of step")
    lines.append("consistency: " + ("OK" if not problems else "PROBLEMS: " + "; ".join(problems)))
    return lines


def timeline(recorder, t0, fault_at, width=5.0) -> list[str]:
    """Requests and errors in windows of `width` seconds around the fault."""
    buckets = {}
    for s in recorder.samples:
        k = int((s.started - t0) // width)
        ok, bad = buckets.get(k, (0, Counter()))
        if s.ok:
            ok += 1
        else:
            bad[f"{s.label}: {s.status or s.note}"] += 1
        buckets[k] = (ok, bad)
    lines = [f"fault at t = {fault_at:.1f} s"]
    for k in sorted(buckets):
        ok, bad = buckets[k]
        lines.append(
            f"  t {k * width:>4.0f}–{(k + 1) * width:<4.0f} s: {ok} ok, errors {dict(bad)}"
        )
    return lines


def under_load(server, specs, duration, fault_at, fault, think=(0.3, 1.0)):
    """Run the users for `duration` s; call fault() after fault_at s. Returns the recorder,
    the start time and fault's result."""
    from core import clock

    recorder = load.Recorder()
    tag = load.secrets.token_hex(3)
    users = load.make_users(specs, server.url, recorder, think, tag, clock.today().isoformat())
    for u in users:
        if not u.login():
            raise SystemExit(f"{u.spec['username']} could not sign in")
    recorder.samples.clear()
    t0 = time.perf_counter()
    result = {}

    def trigger():
        time.sleep(fault_at)
        result["value"] = fault()

    thread = threading.Thread(target=trigger, daemon=True)
    thread.start()
    load.run_step(users, duration)
    thread.join()
    return recorder, tag, t0, result.get("value")


def app_kill(args) -> None:
    specs = users_for(load.plan())
    balances = opening_balances(specs)
    server = load.Server(args.port, load.server_env(), Path(args.logs))
    server.start()
    try:
        before = server.app_pids()
        log(f"gunicorn master {server.gunicorn.pid}, workers {before}")

        def kill():
            # Three times, 10 s apart, each the worker whose turn it is: the more kills, the
            # likelier one lands in the middle of a request.
            victims = []
            for round_ in range(3):
                if round_:
                    time.sleep(10)
                victim = server.app_pids()[round_ % 2]
                os.kill(victim, signal.SIGKILL)
                victims.append(victim)
                log(f"SIGKILL to gunicorn worker {victim}")
            return victims

        recorder, tag, t0, victims = under_load(server, specs, 45, 12, kill)
        after = server.app_pids()
        replaced = not set(victims) & set(after)
        log(f"workers after: {after} (killed {victims}; all replaced: {replaced})")
        for line in timeline(recorder, t0, 12):
            log(line)
        summary = load.summarise(recorder.samples, 45)
        log(f"requests {summary['requests']}, errors {summary['errors']} {summary['error_kinds']}")
    finally:
        server.stop()
    for line in check_writes(recorder, tag, balances):
        log(line)


def _wait_for(predicate, timeout, every=0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    return None


def worker_kill(args) -> None:
    from django.db import connection
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from core.models import Project
    from goals.tasks import refresh_summary
    from jobs.models import Job
    from reports.models import StatusReport
    from reports.status import start_pdf

    env = load.server_env({"JOB_HEARTBEAT_TIMEOUT": "10", "JOB_SWEEP_INTERVAL": "5",
                           "JOB_HEARTBEAT_INTERVAL": "2"})  # fmt: skip
    server = load.Server(args.port, env, Path(args.logs))
    server.start()
    try:
        # 1. A plain task: the largest project's goal-summary refresh.
        largest = (
            Project.objects.annotate(n=Count("enrolments")).order_by("-n").values("pk", "n").first()
        )
        result = refresh_summary.enqueue(largest["pk"])
        log(f"refresh_summary queued for project {largest['pk']} ({largest['n']} enrolments)")

        def task_running():
            connection.close()
            return DBTaskResult.objects.filter(pk=result.id, status="RUNNING").exists()

        if _wait_for(task_running, 60):
            time.sleep(args.kill_after)
            os.killpg(server.worker.pid, signal.SIGKILL)
            server.worker.wait()
            log(f"SIGKILL to the db_worker {args.kill_after} s into the task")
        else:
            log("the task never showed as running (finished too fast?)")
        row = DBTaskResult.objects.get(pk=result.id)
        log(f"task row after the kill: status {row.status}")
        server.start_worker()
        log("a new db_worker started; waiting 20 s")
        time.sleep(20)
        connection.close()
        row = DBTaskResult.objects.get(pk=result.id)
        log(
            f"task row 20 s later: status {row.status}, started {row.started_at:%H:%M:%S}, "
            f"exception {row.exception_class_path or '-'}"
        )

        # 2. A job: a status report's PDF.
        report = StatusReport.objects.filter(issued_at__isnull=True).select_related("project")
        report = report.first()
        if report is None:
            log("no draft status report on this database: the job half is skipped")
            return
        by = User.objects.filter(memberships__project=report.project, memberships__role="manager")
        job = start_pdf(report, by=by.first())
        log(f"status report PDF job {job.pk} queued")

        def job_running():
            connection.close()
            return Job.objects.filter(pk=job.pk, status="running").exists()

        if _wait_for(job_running, 60):
            os.killpg(server.worker.pid, signal.SIGKILL)
            server.worker.wait()
            log("SIGKILL to the db_worker while the job runs")
        else:
            log(f"the job never showed as running: {Job.objects.get(pk=job.pk).status}")
        job.refresh_from_db()
        log(f"job after the kill: {job.status}, attempts {job.attempts}")
        server.start_worker()
        time.sleep(20)
        connection.close()
        job.refresh_from_db()
        rows = DBTaskResult.objects.filter(
            task_path="jobs.tasks.run_job", args_kwargs__args__0=job.pk
        )
        log(
            f"job 20 s after a new worker started: {job.status}, message: {job.message!r}; "
            f"its task rows: {[r.status for r in rows]}"
        )
    finally:
        server.stop()


def pg_restart(args) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).port in (None, 5432) or not args.pgdata:
        raise SystemExit("Only a private PostgreSQL cluster (not port 5432), with --pgdata.")
    specs = users_for(load.plan())
    balances = opening_balances(specs)
    env = load.server_env({"CONN_MAX_AGE": str(args.conn_max_age)})
    server = load.Server(args.port, env, Path(args.logs))
    server.start()
    pg_ctl = "/usr/lib/postgresql/15/bin/pg_ctl"

    def restart():
        logfile = str(Path(args.pgdata).parent / "restart.log")
        # The port and socket directory given again: `start` does not reuse the last options.
        port = urlsplit(url).port
        options = f"-p {port} -k {Path(args.pgdata).parent}"
        ctl = [pg_ctl, "-D", args.pgdata, "-l", logfile, "-o", options, "-w"]

        def pg(*words):
            command = ctl + list(words)
            if os.geteuid() == 0:
                command = ["su", "postgres", "-c", shlex.join(command)]
            # No pipes: the new postmaster would hold them open, and run() would wait for ever.
            return subprocess.run(  # noqa: S603
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                timeout=120,
            ).returncode  # fmt: skip

        started = time.perf_counter()
        stopped = pg("-m", "fast", "stop")
        time.sleep(args.down)
        done = subprocess.CompletedProcess([], pg("start"))
        log(f"PostgreSQL stopped (rc {stopped}), down {args.down:.0f} s, started again")
        seconds = time.perf_counter() - started
        log(f"PostgreSQL restarted in {seconds:.1f} s (rc {done.returncode})")
        return seconds

    try:
        recorder, tag, t0, _s = under_load(server, specs, 45, 15, restart)
        for line in timeline(recorder, t0, 15):
            log(line)
        errors = [s for s in recorder.samples if not s.ok]
        kinds = Counter(f"{s.status or ''} {s.note}".strip() for s in errors)
        log(f"requests {len(recorder.samples)}, errors {len(errors)}: {dict(kinds)}")
        last = [s for s in recorder.samples if s.started - t0 > 30]
        log(f"after t = 30 s: {sum(s.ok for s in last)} of {len(last)} requests ok")
        alive = server.gunicorn.poll() is None
        log(f"gunicorn master still {server.gunicorn.pid}, running: {alive}")
    finally:
        server.stop()
    from django.db import connection

    connection.close()
    for line in check_writes(recorder, tag, balances):
        log(line)


def prune(args) -> None:
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from core import clock
    from jobs.models import Job

    old_task = DBTaskResult.objects.filter(status__in=["SUCCESSFUL", "FAILED"]).first()
    old_job = Job.objects.filter(status__in=["succeeded", "failed"]).first()
    if old_task is None or old_job is None:
        raise SystemExit("Needs a finished job and task row: run worker-kill first.")
    long_ago = dt.timedelta(days=40)
    DBTaskResult.objects.filter(pk=old_task.pk).update(finished_at=clock.real_now() - long_ago)
    Job.objects.filter(pk=old_job.pk).update(finished_at=clock.now() - long_ago)
    before = (DBTaskResult.objects.count(), Job.objects.count())
    call_command("prune")
    log(
        f"task rows {before[0]} → {DBTaskResult.objects.count()}, jobs {before[1]} → "
        f"{Job.objects.count()}; the aged task row gone: "
        f"{not DBTaskResult.objects.filter(pk=old_task.pk).exists()}, the aged job gone: "
        f"{not Job.objects.filter(pk=old_job.pk).exists()}; still running task rows: "
        f"{DBTaskResult.objects.filter(status='RUNNING').count()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("fault", choices=["app-kill", "worker-kill", "pg-restart", "prune"])
    parser.add_argument("--port", type=int, default=8717)
    parser.add_argument("--logs", default="/tmp/foljsam-faults", help="server logs")  # noqa: S108
    parser.add_argument("--pgdata", help="the private cluster's data directory (pg-restart)")
    parser.add_argument("--conn-max-age", type=int, default=0)
    parser.add_argument("--down", type=float, default=5, help="seconds PostgreSQL stays down")
    parser.add_argument("--kill-after", type=float, default=1.0, help="seconds into the task")
    args = parser.parse_args()
    # This process queues the tasks itself: the real queue, not load.py's dummy one.
    os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    load.django_setup()
    {"app-kill": app_kill, "worker-kill": worker_kill, "pg-restart": pg_restart,
     "prune": prune}[args.fault](args)  # fmt: skip


if __name__ == "__main__":
    main()
