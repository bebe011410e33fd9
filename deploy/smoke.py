"""Start Följsam's production configuration on this machine and smoke-test it over HTTP.

    .venv/bin/python deploy/smoke.py        (or: make prod-smoke)

No Docker: the same processes the container image runs (deploy/entrypoint.sh), started here.

1. A fresh PostgreSQL database (SMOKE_DB, default foljsam_smoke_<pid>) is created on the server
   of SMOKE_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) and dropped at the end.
2. DEBUG off, throwaway keys generated for this run, BEHIND_TLS_PROXY on (the requests carry
   X-Forwarded-Proto: https as a TLS proxy's would); `migrate`, `collectstatic`,
   `check --deploy`; one user is created.
3. gunicorn with deploy/gunicorn.conf.py (two worker processes) on SMOKE_PORT (default: a free
   port), and one `manage.py db_worker`.
4. Through the real port: the login page answers 200; a static file is served by WhiteNoise;
   the user logs in and the project list answers 200; the follow-up reminders queued with
   `manage.py send_follow_up_reminders` are run by the worker (the task row reaches
   SUCCESSFUL); a missing page answers 404 with Följsam's own page, not Django's debug page.
5. Everything started is stopped (also on Ctrl-C or a failure), and the database dropped.

Exits 0 when every check passed; otherwise 1, naming the check that failed and showing the end
of the process logs. SMOKE_KEEP_DB=1 keeps the database for a look afterwards. SMOKE_PYTHON
runs the application with another interpreter (e.g. a venv made from requirements-runtime.lock
only).
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from base64 import urlsafe_b64encode
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = os.environ.get("SMOKE_PYTHON", sys.executable)
PG_URL = os.environ.get("SMOKE_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("SMOKE_DB", f"foljsam_smoke_{os.getpid()}")
USERNAME = "smoke"
# How long the worker may take to pick up and finish the queued task, in seconds.
TASK_WAIT = float(os.environ.get("SMOKE_TASK_WAIT", "60"))
START_WAIT = float(os.environ.get("SMOKE_START_WAIT", "60"))


class SmokeFailure(Exception):
    pass


def say(message: str) -> None:
    print(f"smoke: {message}", flush=True)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(f"this check did not hold: {message}")
    say(f"ok - {message}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fernet_key() -> str:
    return urlsafe_b64encode(secrets.token_bytes(32)).decode()


def pg_connect(url: str, **kwargs):
    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), **kwargs)


def database_url(name: str) -> str:
    parts = urlsplit(PG_URL)
    return parts._replace(path=f"/{name}").geturl()


def drop_database(name: str) -> None:
    with pg_connect(PG_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


class Processes:
    """The long-running processes this run started, each in its own process group, so that
    stopping one stops its children too (gunicorn's workers)."""

    def __init__(self, log_dir: Path, env: dict):
        self.log_dir = log_dir
        self.env = env
        self.started: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        # The child keeps its own copy of the log's file descriptor.
        with open(self.log_dir / f"{name}.log", "wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                args,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started[name] = process
        say(f"started {name} (pid {process.pid})")
        return process

    def stop_all(self) -> None:
        for process in self.started.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 35  # gunicorn's graceful timeout is 30 s by default
        for name, process in self.started.items():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop on SIGTERM; killing it")
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        # Nothing of ours is left: not the group leaders, nor any child in their groups.
        for name, process in self.started.items():
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                continue
            say(f"{name}'s process group was still alive; killing it")
            os.killpg(process.pid, signal.SIGKILL)

    def show_logs(self, lines: int = 30) -> None:
        for path in sorted(self.log_dir.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            print(f"----- last {len(tail)} lines of {path.name} -----")
            print("\n".join(tail))


def manage(env: dict, *args: str, input_text: str | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=input_text,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SmokeFailure(
            f"manage.py {' '.join(args)} failed (exit {result.returncode}):\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
    return result.stdout


class Browser:
    """A minimal HTTP client talking to gunicorn as the TLS proxy in front of it would: with
    X-Forwarded-Proto: https, the public Origin, and the cookies it was given (they are Secure,
    so a stock cookie jar would not send them back over this plain-http hop)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "192.0.2.10",
            "Accept-Language": "en",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{self.port}"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response, content


def wait_for_port(port: int, processes: Processes) -> None:
    deadline = time.monotonic() + START_WAIT
    while time.monotonic() < deadline:
        for name, process in processes.started.items():
            if process.poll() is not None:
                raise SmokeFailure(f"{name} exited with {process.returncode} while starting")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SmokeFailure(f"gunicorn did not listen on port {port} within {START_WAIT:.0f} s")


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def run_checks(env: dict, processes: Processes, port: int, password: str) -> None:
    gunicorn = processes.start(
        "gunicorn", [PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
    )
    processes.start("worker", [PYTHON, "manage.py", "db_worker", "--no-reload"])
    wait_for_port(port, processes)
    deadline = time.monotonic() + 20
    while len(children_of(gunicorn.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.3)
    check(len(children_of(gunicorn.pid)) == 2, "gunicorn runs two worker processes")

    browser = Browser(port)
    response, body = browser.request("GET", "/accounts/login/")
    check(response.status == 200, f"the login page answers 200 (got {response.status})")
    check("csrftoken" in browser.cookies, "the login page sets the CSRF cookie")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    check(token is not None, "the login page holds the login form")

    static_path = "/static/js/foljsam.js"
    response, content = browser.request("GET", static_path)
    check(
        response.status == 200 and content == (ROOT / "static/js/foljsam.js").read_bytes(),
        f"the static file {static_path} is served (status {response.status})",
    )
    cache = response.getheader("Cache-Control") or ""
    check("max-age" in cache, f"WhiteNoise serves it with a cache lifetime ({cache!r})")

    response, _ = browser.request("GET", "/")
    check(response.status == 302, f"a page behind login redirects to it (got {response.status})")

    response, _ = browser.request(
        "POST",
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": USERNAME,
            "password": password,
        },
    )
    location = response.getheader("Location") or ""
    check(
        response.status == 302 and "/accounts/login/" not in location,
        f"logging in redirects into the product (status {response.status}, to {location!r})",
    )
    check("sessionid" in browser.cookies, "logging in sets the session cookie")
    response, body = browser.request("GET", urlsplit(location).path or "/")
    check(
        response.status == 200 and b"/accounts/logout/" in body,
        f"the logged-in page {location!r} answers 200 with the logout button "
        f"(got {response.status})",
    )

    queued = manage(env, "send_follow_up_reminders")
    match = re.search(r"task ([0-9a-f-]{36})", queued)
    check(match is not None, f"the follow-up reminders were queued ({queued.strip()!r})")
    task_id = match.group(1)
    status = None
    deadline = time.monotonic() + TASK_WAIT
    with pg_connect(env["DATABASE_URL"], autocommit=True) as connection:
        while time.monotonic() < deadline:
            row = connection.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s",
                [task_id],
            ).fetchone()
            status = row[0] if row else None
            if status in {"SUCCESSFUL", "FAILED"}:
                break
            time.sleep(0.5)
    check(
        status == "SUCCESSFUL",
        f"the worker ran the queued task to the end (its status: {status}, "
        f"waited up to {TASK_WAIT:.0f} s)",
    )

    response, body = browser.request("GET", "/en/no-such-page-smoke/")
    check(response.status == 404, f"a missing page answers 404 (got {response.status})")
    check(
        b"The page does not exist, or you do not have access to it." in body
        and b"Using the URLconf" not in body
        and b"technical_404" not in body,
        "the 404 is Följsam's own page, not Django's debug page",
    )
    response, _ = browser.request("GET", "/accounts/login/?q=smoke-query-marker")
    log = (processes.log_dir / "gunicorn.log").read_text(errors="replace").splitlines()
    requests = [line for line in log if '"GET /' in line or '"POST /' in line]
    check(
        any('"GET /accounts/login/" 200' in line for line in requests)
        and not any(
            marker in line
            for line in requests
            for marker in ("smoke-query-marker", "127.0.0.1", "192.0.2.10")
        ),
        f"the access log has the {len(requests)} requests, without query strings or addresses",
    )
    for name, process in processes.started.items():
        check(process.poll() is None, f"{name} is still running after the checks")


def main() -> int:
    port = int(os.environ.get("SMOKE_PORT") or free_port())
    password = secrets.token_urlsafe(18)
    log_dir = Path(tempfile.mkdtemp(prefix="foljsam-smoke-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEMO_", "FOLJSAM_", "GUNICORN_", "TASKS_", "REPLICA_"))
    }
    env.update(
        {
            "DEBUG": "0",
            "DATABASE_URL": database_url(DB_NAME),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEY": fernet_key(),
            "IDENTITY_HASH_KEY": fernet_key(),
            "PSEUDONYM_KEY": fernet_key(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BEHIND_TLS_PROXY": "1",
            "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
            "SITE_URL": f"https://127.0.0.1:{port}",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_GRACEFUL_TIMEOUT": "10",
            # Never the development keys file: DEBUG is off, every key is set above.
            "DEV_KEYS_FILE": str(log_dir / "no-dev-keys.json"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    processes = Processes(log_dir, env)
    created = False

    def stop(signum, _frame):
        raise SmokeFailure(f"interrupted by signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        try:
            with pg_connect(PG_URL, autocommit=True, connect_timeout=5) as admin:
                admin.execute(f'CREATE DATABASE "{DB_NAME}"')
        except psycopg.Error as error:
            raise SmokeFailure(f"could not create the database {DB_NAME}: {error}") from error
        created = True
        say(f"database {DB_NAME}, port {port}, logs in {log_dir}")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        say("ok - migrate")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        say("ok - collectstatic")
        manage(env, "check", "--deploy", "--fail-level", "WARNING")
        say("ok - check --deploy finds nothing to warn about")
        manage(
            env,
            "shell",
            "-c",
            "import sys; from accounts.models import User; "
            f"User.objects.create_user({USERNAME!r}, password=sys.stdin.read())",
            input_text=password,
        )
        say(f"ok - user {USERNAME!r} created")
        run_checks(env, processes, port, password)
    except Exception as error:  # any failure: stop everything, say what failed
        failure = error if isinstance(error, SmokeFailure) else repr(error)
        processes.stop_all()
        processes.show_logs()
        print(f"smoke: FAILED - {failure} (logs kept in {log_dir})", file=sys.stderr, flush=True)
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        processes.stop_all()
        if created and "SMOKE_KEEP_DB" not in os.environ:
            drop_database(DB_NAME)
            say(f"dropped the database {DB_NAME}")
    shutil.rmtree(log_dir, ignore_errors=True)
    say("PASSED - the production configuration starts and answers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
