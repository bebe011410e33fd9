"""A load test through the real web server: case workers, providers and managers at rising load
(issue 16, item 4). Loopback only, bounded in time.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/foljsam_bench FOLJSAM_TODAY=2026-06-30
    .venv/bin/python bench/load.py setup       # once: the simulated users (idempotent)
    .venv/bin/python bench/load.py run         # gunicorn (2 processes) + one db_worker, then load
    .venv/bin/python bench/load.py run --url http://127.0.0.1:8000   # a server already running
    .venv/bin/python bench/load.py profile     # each page alone, in-process: time and queries

`setup` adds users and memberships to the database and never deletes anything. In 40 projects
still running on the database's today (up to two of them with more than 5,000 enrolments, the
others of typical size) it makes three case workers per project (`load-cw-NNN`), each the
responsible case worker of up to 20 open enrolments and 5 exited ones with a follow-up still to
record (a consent covering their organisation is added where none is), one intervention
provider per project (`load-pv-NNN`, the organisation running the intervention with most
ongoing placements) and one manager per project (`load-mg-NNN`, also a member of the next two
projects, so the portfolio has three). All have the password in PASSWORD. Users, memberships,
consents and assignments already there are left as they are.

`run` signs each simulated user in through the login form (CSRF token from the form), then for
each step of concurrent users (--steps, default 5, 10, 25, 50, 75, 100, 150, 200; after 100 it
stops at the first step whose p95 is above 1 s) runs them for --duration seconds (45); each
waits a think time drawn uniformly from --think seconds (default 1–3 s) after every request.
The users of a step are the first N of an interleaved list (3 case workers, 1 provider,
1 manager), so every step has the same mix:

- case worker: the follow-up worklist, the case list (own caseload), a participant's page from
  the own caseload, a contact note added to it (POST, answered with a redirect when saved);
- provider: the attendance page of the intervention, hours recorded for one participant on a
  day without hours yet (POST, redirect when saved) — recording hours is the provider's (and
  the manager's) right, not the case worker's (core/policy.py);
- manager: the project's goals dashboard, the portfolio, the project page.

An error is a status other than 2xx/3xx, an exception (connection refused or reset, time-out),
a redirect to the login page, or a POST that was not saved (a form shown again). Printed:
Markdown tables, one row per step (requests/s, p50/p95/p99 latency, errors) and the p95 per page.

When it starts its own server (no --url) it runs `gunicorn -w 2` (with deploy/gunicorn.conf.py)
and one `manage.py db_worker`, DEBUG off, a throwaway SECRET_KEY, the field keys the data were
written with (from the environment, else .dev-keys.json, as bench/national.py wrote them),
two-factor sign-in off, cookies without the Secure flag (plain http on loopback) and, as
deploy/env.example, CONN_MAX_AGE=60 unless the environment gives another. Stopped
at the end, also on Ctrl-C.
"""

import argparse
import datetime as dt
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PASSWORD = "load-test-password-16"  # noqa: S105 (simulated users of a benchmark database)
MIX = ["cw", "cw", "cw", "pv", "mg"]
N_PROJECTS = 40
PER_CASE_WORKER_OPEN = 20
PER_CASE_WORKER_EXITED = 5
TIMEOUT = 60
# The environment as given, before django_setup's defaults for this process (the server must
# not inherit its dummy task backend or DEBUG).
GIVEN_ENV = dict(os.environ)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def django_setup() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from setup_django import setup

    setup("2026-06-30", migrate=False, TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend")


# --- setup -----------------------------------------------------------------------------------


def choose_projects(today: dt.date) -> list:
    """Projects running today with open enrolments: up to two with more than 5,000 enrolments,
    the rest the ones closest to the median size."""
    from django.db.models import Count, Q

    from core.models import Project

    running = (
        Project.objects.filter(starts_on__lte=today, ends_on__gte=today)
        .annotate(
            n=Count("enrolments"),
            n_open=Count("enrolments", filter=Q(enrolments__status="active")),
        )
        .filter(n_open__gte=10)
        .order_by("pk")
    )
    rows = list(running.values_list("pk", "n"))
    if not rows:
        raise SystemExit("No project runs on this database's today with open enrolments.")
    large = [pk for pk, n in rows if n > 5000][:2]
    sizes = sorted(n for _pk, n in rows)
    median = sizes[len(sizes) // 2]
    typical = sorted(
        ((abs(n - median), pk) for pk, n in rows if pk not in large), key=lambda t: (t[0], t[1])
    )
    chosen = large + [pk for _d, pk in typical][: N_PROJECTS - len(large)]
    return list(Project.objects.filter(pk__in=chosen).select_related("owner").order_by("pk"))


def setup(reassign: bool = False) -> None:
    django_setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import Count, Exists, OuterRef, Q

    from accounts.models import User
    from core import clock
    from core.models import Membership, Role
    from enrolments.models import Enrolment, FollowUp
    from interventions.models import Intervention
    from participants.models import Consent

    today = clock.today()
    projects = choose_projects(today)
    hashed = make_password(PASSWORD)

    def user(name):
        found, created = User.objects.get_or_create(username=name, defaults={"password": hashed})
        return found

    def member(u, project, role, organisation):
        Membership.objects.get_or_create(
            user=u, project=project, defaults={"role": role, "organisation": organisation}
        )

    n_assigned = n_consents = 0
    with transaction.atomic():
        for i, project in enumerate(projects):
            open_follow_up = FollowUp.objects.filter(
                enrolment=OuterRef("pk"), recorded_on__isnull=True
            )
            free = Enrolment.objects.filter(project=project, participant__is_anonymous=False)
            if reassign:  # a scratch database (the demo): anyone's enrolments but ours
                free = free.exclude(case_worker__username__startswith="load-")
            else:
                free = free.filter(case_worker__isnull=True)
            free = free.order_by("pk")
            for k in range(3):
                cw = user(f"load-cw-{i * 3 + k + 1:03d}")
                member(cw, project, Role.CASE_WORKER, project.owner)
                if Enrolment.objects.filter(project=project, case_worker=cw).exists():
                    continue
                ids = list(free.filter(status="active").values_list("pk", flat=True))[
                    :PER_CASE_WORKER_OPEN
                ]
                ids += list(
                    free.filter(status="exited")
                    .filter(Exists(open_follow_up))
                    .values_list("pk", flat=True)[:PER_CASE_WORKER_EXITED]
                )
                n_assigned += Enrolment.objects.filter(pk__in=ids).update(case_worker=cw)
                n_consents += _consents(
                    Enrolment.objects.filter(pk__in=ids), project, project.owner, Consent
                )
            busiest = (
                Intervention.objects.filter(project=project)
                .annotate(
                    n=Count(
                        "participations",
                        filter=Q(
                            participations__completion="ongoing",
                            participations__enrolment__status="active",
                        ),
                    )
                )
                .order_by("-n", "pk")
                .first()
            )
            if busiest is not None and busiest.provider_id:
                member(user(f"load-pv-{i + 1:03d}"), project, Role.PROVIDER, busiest.provider)
            manager = user(f"load-mg-{i + 1:03d}")
            for j in range(3):
                other = projects[(i + j) % len(projects)]
                member(manager, other, Role.MANAGER, other.owner)
    print(
        f"{len(projects)} projects ({', '.join(str(p.pk) for p in projects)}); "
        f"{n_assigned} enrolments assigned, {n_consents} consents added; "
        f"users: {User.objects.filter(username__startswith='load-').count()}"
    )


def _consents(enrolments, project, organisation, Consent) -> int:
    """A current consent covering `organisation` for each enrolment's participant that has none."""
    covered = set(
        Consent.objects.current()
        .filter(project=project, organisations=organisation)
        .values_list("participant_id", flat=True)
    )
    made = 0
    for e in enrolments:
        if e.participant_id in covered:
            continue
        consent = Consent.objects.create(
            participant_id=e.participant_id,
            project=project,
            purposes=["registration", "information_exchange"],
            given_on=e.referred_on,
        )
        consent.organisations.add(organisation)
        covered.add(e.participant_id)
        made += 1
    return made


# --- the plan: what each simulated user works on ----------------------------------------------


def plan() -> list[dict]:
    """The simulated users in MIX order, with the ids they work on (read from the database)."""
    django_setup()
    from core import clock
    from core.models import Membership, Role
    from enrolments.models import Enrolment
    from interventions.models import AttendanceRecord, Participation

    today = clock.today()
    by_role = {"cw": [], "pv": [], "mg": []}
    memberships = (
        Membership.objects.filter(user__username__startswith="load-")
        .select_related("user", "project")
        .order_by("user__username", "project_id")
    )
    seen = set()
    for m in memberships:
        name = m.user.username
        if m.role == Role.CASE_WORKER and name not in seen:
            enrolments = list(
                Enrolment.objects.filter(project=m.project, case_worker=m.user)
                .order_by("pk")
                .values_list("pk", "referred_on")
            )
            if enrolments:
                by_role["cw"].append(
                    {
                        "kind": "cw",
                        "username": name,
                        "project": m.project_id,
                        "enrolments": [pk for pk, _d in enrolments],
                        "note_from": max(
                            max(d for _pk, d in enrolments), m.project.starts_on
                        ).isoformat(),
                    }
                )
        elif m.role == Role.PROVIDER and name not in seen:
            parts = (
                Participation.objects.filter(
                    intervention__project=m.project,
                    intervention__provider=m.organisation,
                    completion="ongoing",
                    enrolment__status="active",
                )
                .select_related("intervention")
                .order_by("intervention_id", "pk")
            )
            first = parts.first()
            if first is None:
                continue
            rows = list(parts.filter(intervention=first.intervention)[:200])
            used = {}
            for pid, held_on in AttendanceRecord.objects.filter(
                participation__in=rows, session__isnull=True
            ).values_list("participation_id", "held_on"):
                used.setdefault(pid, set()).add(held_on)
            last = min(
                d for d in (today, first.intervention.ends_on, m.project.ends_on) if d is not None
            )
            slots = []
            for p in rows:
                start = max(
                    d
                    for d in (p.started_on, first.intervention.starts_on, m.project.starts_on)
                    if d is not None
                )
                days = (last - start).days
                for k in range(min(days + 1, 120)):
                    day = last - dt.timedelta(days=k)
                    if day not in used.get(p.pk, ()):
                        slots.append([p.pk, day.isoformat()])
            random.Random(name).shuffle(slots)
            by_role["pv"].append(
                {
                    "kind": "pv",
                    "username": name,
                    "project": m.project_id,
                    "intervention": first.intervention_id,
                    "slots": slots,
                }
            )
        elif m.role == Role.MANAGER and name not in seen:
            projects = list(
                Membership.objects.filter(user=m.user, role=Role.MANAGER)
                .order_by("project_id")
                .values_list("project_id", flat=True)
            )
            by_role["mg"].append({"kind": "mg", "username": name, "projects": projects})
        seen.add(name)
    users, index = [], dict.fromkeys(by_role, 0)
    while any(index[k] < len(by_role[k]) for k in by_role):
        for kind in MIX:
            if index[kind] < len(by_role[kind]):
                users.append(by_role[kind][index[kind]])
                index[kind] += 1
    if not users:
        raise SystemExit("No simulated users: run `bench/load.py setup` first.")
    return users


# --- the server --------------------------------------------------------------------------------


def server_env(extra: dict | None = None) -> dict:
    """The environment of a production-like server on loopback (DEBUG off)."""
    env = dict(GIVEN_ENV)
    keys_file = ROOT / ".dev-keys.json"
    keys = json.loads(keys_file.read_text()) if keys_file.exists() else {}
    for name in ("FIELD_ENCRYPTION_KEY", "IDENTITY_HASH_KEY", "PSEUDONYM_KEY"):
        if not env.get(name):
            if name not in keys:
                raise SystemExit(f"{name}: set it to the key the data were written with.")
            env[name] = keys[name]
    env.update(
        {
            "DEBUG": "0",
            "DEMO_MODE": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "REQUIRE_TWO_FACTOR": "0",
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "FOLJSAM_TODAY": os.environ.get("FOLJSAM_TODAY", "2026-06-30"),
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            # As deploy/env.example: one connection per process, not one per request.
            "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
        }
    )
    env.update(extra or {})
    return env


@dataclass
class Server:
    """gunicorn (two processes) and one db_worker, each in its own process group."""

    port: int
    env: dict
    log_dir: Path
    gunicorn: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None

    def start(self, *, with_worker: bool = True) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        command = [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{self.port}"]
        conf = ROOT / "deploy" / "gunicorn.conf.py"
        if conf.exists():
            command[1:1] = ["-c", str(conf)]
        command.append("foljsam.wsgi:application")
        env = dict(self.env, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS="2")
        self.gunicorn = subprocess.Popen(  # noqa: S603 (our own command line)
            command,
            cwd=ROOT,
            env=env,
            stdout=open(self.log_dir / "gunicorn.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if with_worker:
            self.start_worker()
        self.wait_ready()

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(  # noqa: S603 (our own command line)
            [str(PYTHON), "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.log_dir / "worker.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                if requests.get(self.url + "/accounts/login/", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.gunicorn.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {self.log_dir / 'gunicorn.log'}")
            time.sleep(0.5)
        raise SystemExit("gunicorn did not answer within a minute")

    def app_pids(self) -> list[int]:
        """The gunicorn worker processes (children of the master)."""
        children = Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self) -> None:
        for proc in (self.worker, self.gunicorn):
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in (self.worker, self.gunicorn):
            if proc is not None:
                try:
                    proc.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)


# --- the simulated users -------------------------------------------------------------------------


@dataclass
class Sample:
    label: str
    started: float
    seconds: float
    status: int  # 0: an exception
    ok: bool
    note: str = ""


@dataclass
class Recorder:
    samples: list = field(default_factory=list)
    writes: list = field(default_factory=list)  # (kind, key, outcome) for faults.py
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def wrote(self, *row) -> None:
        with self.lock:
            self.writes.append(row)


class SimulatedUser:
    def __init__(self, spec: dict, base: str, recorder: Recorder, think=(1.0, 3.0), tag=""):
        self.spec = spec
        self.base = base
        self.recorder = recorder
        self.think = think
        self.tag = tag or secrets.token_hex(3)
        self.session = requests.Session()
        self.random = random.Random(spec["username"] + self.tag)
        self.counter = 0
        self.step = 0

    # Requests ---------------------------------------------------------------------------------

    def request(self, label, method, path, *, data=None, expect_redirect=False):
        started = time.perf_counter()
        status, ok, note = 0, False, ""
        try:
            headers = {"Referer": self.base + path}
            response = self.session.request(
                method, self.base + path, data=data, allow_redirects=False, timeout=TIMEOUT,
                headers=headers,
            )  # fmt: skip
            status = response.status_code
            location = response.headers.get("Location", "")
            ok = 200 <= status < 400 and "/accounts/login/" not in location
            if expect_redirect and status != 302:
                ok, note = False, "not saved"
            if status >= 500:
                note = "product error page" if "Följsam" in response.text else "other 5xx"
        except requests.RequestException as error:
            note = type(error).__name__
            response = None
        elapsed = time.perf_counter() - started
        self.recorder.add(Sample(label, started, elapsed, status, ok, note))
        return response

    def csrf(self) -> str:
        return self.session.cookies.get("csrftoken", "")

    def login(self) -> bool:
        page = self.request("login form", "GET", "/accounts/login/")
        token = CSRF_FIELD.search(page.text).group(1) if page is not None else ""
        response = self.request(
            "login",
            "POST",
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": token,
                "username": self.spec["username"],
                "password": PASSWORD,
            },
            expect_redirect=True,
        )
        return response is not None and response.status_code == 302

    # What each kind of user does, one request per call ---------------------------------------

    def next_request(self) -> None:
        getattr(self, "do_" + self.spec["kind"])(self.step)
        self.step += 1

    def do_cw(self, step):
        s = self.spec
        project = f"/projects/{s['project']}"
        enrolment = s["enrolments"][(step // 4) % len(s["enrolments"])]
        match step % 4:
            case 0:
                self.request("worklist", "GET", f"{project}/follow-ups/")
            case 1:
                self.request("case list", "GET", f"{project}/enrolments/")
            case 2:
                self.request("participant page", "GET", f"{project}/enrolments/{enrolment}/")
            case 3:
                self.counter += 1
                marker = f"load {self.tag} {self.spec['username']} {self.counter}"
                response = self.request(
                    "add note (POST)",
                    "POST",
                    f"{project}/enrolments/{enrolment}/notes/",
                    data={
                        "csrfmiddlewaretoken": self.csrf(),
                        "happened_on": self.spec.get("today", ""),
                        "kind": self.random.choice(["meeting", "phone", "message"]),
                        "visibility": "organisation",
                        "text": f"Samtal om praktik. {marker}",
                    },
                    expect_redirect=True,
                )
                self.recorder.wrote("note", marker, _outcome(response))

    def do_pv(self, step):
        s = self.spec
        project = f"/projects/{s['project']}"
        if step % 2 == 0 or not s["slots"]:
            self.request("attendance page", "GET", f"{project}/interventions/{s['intervention']}/")
            return
        participation, held_on = s["slots"].pop()
        prefix = f"p{participation}"
        hours = self.random.choice(["1.5", "2", "3", "4"])
        response = self.request(
            "record hours (POST)",
            "POST",
            f"{project}/interventions/participations/{participation}/hours/",
            data={
                "csrfmiddlewaretoken": self.csrf(),
                f"{prefix}-held_on": held_on,
                f"{prefix}-hours": hours,
                f"{prefix}-completion": "ongoing",
                f"{prefix}-ended_on": "",
            },
            expect_redirect=True,
        )
        self.recorder.wrote("hours", (participation, held_on, hours), _outcome(response))

    def do_mg(self, step):
        projects = self.spec["projects"]
        project = projects[(step // 3) % len(projects)]
        match step % 3:
            case 0:
                self.request("goals dashboard", "GET", f"/projects/{project}/goals/")
            case 1:
                self.request("portfolio", "GET", "/portfolio/")
            case 2:
                self.request("project page", "GET", f"/projects/{project}/")

    def run_until(self, end: float) -> None:
        # A random start within the first think time, so the users do not march in step.
        time.sleep(self.random.uniform(0, self.think[1]))
        while time.perf_counter() < end:
            self.next_request()
            pause = self.random.uniform(*self.think)
            if time.perf_counter() + pause >= end:
                break
            time.sleep(pause)


def _outcome(response) -> str:
    if response is None:
        return "exception"
    return "saved" if response.status_code == 302 else f"status {response.status_code}"


def make_users(specs, base, recorder, think, tag, today) -> list[SimulatedUser]:
    users = []
    for spec in specs:
        spec = dict(spec, today=today)
        if spec["kind"] == "pv":
            spec["slots"] = list(spec["slots"])
        users.append(SimulatedUser(spec, base, recorder, think, tag))
    return users


def run_step(users, duration: float) -> None:
    end = time.perf_counter() + duration
    threads = [threading.Thread(target=u.run_until, args=(end,), daemon=True) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + TIMEOUT + 10)


# --- figures ------------------------------------------------------------------------------------


def percentile(values, p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summarise(samples, duration: float) -> dict:
    seconds = [s.seconds for s in samples]
    errors = [s for s in samples if not s.ok]
    return {
        "requests": len(samples),
        "rate": len(samples) / duration,
        "p50": percentile(seconds, 50) * 1000,
        "p95": percentile(seconds, 95) * 1000,
        "p99": percentile(seconds, 99) * 1000,
        "max": max(seconds, default=0) * 1000,
        "errors": len(errors),
        "error_kinds": ", ".join(
            sorted({f"{s.status or s.note}" + (f" {s.note}" if s.status else "") for s in errors})
        ),
    }


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def run(args) -> None:
    specs = plan()
    from core import clock

    today = clock.today().isoformat()
    steps = [int(n) for n in args.steps.split(",")]
    if max(steps) > len(specs):
        raise SystemExit(f"Only {len(specs)} simulated users: run setup, or lower --steps.")
    think = tuple(float(x) for x in args.think.split(","))
    server = None
    if not args.url:
        server = Server(args.port, server_env(), Path(args.logs))
        server.start()
    base = args.url or server.url
    recorder = Recorder()
    tag = secrets.token_hex(3)
    users = make_users(specs[: max(steps)], base, recorder, think, tag, today)
    rows, per_label = [], {}
    started_at = time.strftime("%Y-%m-%d %H:%M", time.gmtime())  # the run's own label
    try:
        logged_in = 0
        for n in steps:
            for u in users[logged_in:n]:
                if not u.login():
                    raise SystemExit(f"{u.spec['username']} could not sign in")
            logged_in = max(logged_in, n)
            recorder.samples.clear()
            before = loadavg()
            t0 = time.perf_counter()
            run_step(users[:n], args.duration)
            elapsed = time.perf_counter() - t0
            samples = [s for s in recorder.samples if s.label not in ("login", "login form")]
            figures = summarise(samples, elapsed)
            figures.update(users=n, load_before=before, load_after=loadavg())
            rows.append(figures)
            for label in sorted({s.label for s in samples}):
                mine = [s.seconds for s in samples if s.label == label]
                per_label.setdefault(label, {})[n] = (
                    len(mine),
                    percentile(mine, 50) * 1000,
                    percentile(mine, 95) * 1000,
                )
            print(
                f"{n:>4} users: {figures['rate']:.1f} req/s, p50 {figures['p50']:.0f} ms, "
                f"p95 {figures['p95']:.0f} ms, p99 {figures['p99']:.0f} ms, "
                f"errors {figures['errors']} {figures['error_kinds']}; "
                f"load {figures['load_after']}",
                file=sys.stderr,
                flush=True,
            )
            if n >= 100 and args.stop_after_p95 and figures["p95"] > args.stop_after_p95:
                print(f"p95 above {args.stop_after_p95} ms: stopping.", file=sys.stderr)
                break
    finally:
        if server is not None:
            server.stop()
    print(report(rows, per_label, args, started_at))


def report(rows, per_label, args, started_at) -> str:
    out = [
        f"Run {started_at} UTC, {args.duration:.0f} s per step, think time "
        f"{args.think.replace(',', '–')} s, load average at the end: {loadavg()}",
        "",
        "| users | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors "
        "| load avg (1 min) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        kinds = f" ({r['error_kinds']})" if r["errors"] else ""
        out.append(
            f"| {r['users']} | {r['requests']} | {r['rate']:.1f} | {r['p50']:.0f} | "
            f"{r['p95']:.0f} | {r['p99']:.0f} | {r['max']:.0f} | {r['errors']}{kinds} | "
            f"{r['load_after'].split()[0]} |"
        )
    passed = [r["users"] for r in rows if r["p95"] > 1000]
    out += [
        "",
        f"p95 passes 1 s first at: {passed[0]} users" if passed else "p95 stays under 1 s.",
        "",
        "p50 / p95 per page (ms), by number of users:",
        "",
        "| page | " + " | ".join(str(r["users"]) for r in rows) + " |",
        "| --- | " + " | ".join("---:" for _r in rows) + " |",
    ]
    for label, by_n in sorted(per_label.items()):
        cells = []
        for r in rows:
            count, p50, p95 = by_n.get(r["users"], (0, 0, 0))
            cells.append(f"{p50:.0f} / {p95:.0f}" if count else "–")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def profile(args) -> None:
    """Each page of the mix once warm, then --runs times, in this process (Django's test
    client, one user at a time, no server): median time, queries and time in SQL."""
    specs = plan()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from core import clock

    today = clock.today().isoformat()
    first = {}
    for spec in specs:
        first.setdefault(spec["kind"], spec)
    print("| page | status | median ms | queries | SQL ms (sum of the queries' own times) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind, spec in first.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=spec["username"]))
        user = SimulatedUser(dict(spec, today=today), "", Recorder())
        steps = {"cw": 4, "pv": 2, "mg": 3}[kind]
        for step in range(steps):
            timings, queries, sql = [], 0, 0.0
            for run_ in range(args.runs + 1):
                calls = []
                user.request = lambda label, method, path, data=None, calls=calls, **kw: (
                    calls.append((label, method, path, data))
                )
                user.step = step + steps * run_
                user.next_request()
                label, method, path, data = calls[0]
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    if method == "GET":
                        status = client.get(path).status_code
                    else:
                        data = dict(data)
                        data.pop("csrfmiddlewaretoken", None)
                        status = client.post(path, data).status_code
                    elapsed = time.perf_counter() - started
                if run_:
                    timings.append(elapsed)
                    queries = len(captured.captured_queries)
                    sql = sum(float(q["time"]) for q in captured.captured_queries)
            median = sorted(timings)[len(timings) // 2]
            print(f"| {label} | {status} | {median * 1000:.0f} | {queries} | {sql * 1000:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("setup", help="create the simulated users (idempotent)")
    s.add_argument(
        "--reassign",
        action="store_true",
        help="a scratch database: give the load users enrolments other case workers have",
    )
    p = sub.add_parser("run", help="the load test")
    p.add_argument("--url", help="a running server (else gunicorn -w 2 and a worker are started)")
    p.add_argument("--port", type=int, default=8716)
    p.add_argument("--steps", default="5,10,25,50,75,100,150,200")
    p.add_argument("--duration", type=float, default=45, help="seconds per step")
    p.add_argument("--think", default="1,3", help="think time range in seconds")
    p.add_argument("--logs", default="/tmp/foljsam-load", help="server logs")  # noqa: S108
    p.add_argument(
        "--stop-after-p95",
        type=float,
        default=1000,
        help="after 100 users, stop once p95 (ms) is above this (0: never)",
    )
    p = sub.add_parser("profile", help="each page's time and queries, one user at a time")
    p.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.command == "setup":
        setup(args.reassign)
    elif args.command == "profile":
        profile(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
