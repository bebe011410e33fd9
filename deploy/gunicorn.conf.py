"""Gunicorn's settings for Följsam in production, read from the environment (docs/deploy.md).

    gunicorn -c deploy/gunicorn.conf.py foljsam.wsgi

| variable                    | default        | what                                              |
| --------------------------- | -------------- | ------------------------------------------------- |
| GUNICORN_BIND               | 127.0.0.1:8000 | address (or unix:/run/foljsam.sock) to listen on  |
| GUNICORN_WORKERS            | 2              | worker processes                                  |
| GUNICORN_THREADS            | 1              | threads per worker process                        |
| GUNICORN_TIMEOUT            | 60             | seconds a request may take before its worker is   |
|                             |                | restarted                                         |
| GUNICORN_GRACEFUL_TIMEOUT   | 30             | seconds running requests get to finish on a stop  |
| GUNICORN_KEEPALIVE          | 5              | seconds an idle connection from the proxy is kept |
| GUNICORN_MAX_REQUESTS       | 0              | restart a worker after this many requests (0: no) |
| GUNICORN_ACCESS_LOG         | -              | where the access log goes (- is standard output;  |
|                             |                | empty: no access log)                             |
| GUNICORN_LOG_LEVEL          | info           | gunicorn's own messages                           |
| GUNICORN_CONTROL_SOCKET     | (none)         | path of gunicorn's control socket (gunicornc);    |
|                             |                | without it there is none                          |

The access log holds no query string (a search may be typed into it), no client address and
no user agent: only the time, method, path, status, size, duration and the request id that
the audit entries of the same request carry (core/middleware.py, X-Request-ID).
"""

import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


wsgi_app = "foljsam.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _int("GUNICORN_WORKERS", 2)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

# Each worker loads the application itself: a worker restarted after a crash starts clean, and
# no database connection is shared across a fork.
preload_app = False

# The workers' heartbeat files: in memory where the machine has it (a container's /tmp may be
# on a slow overlay disk, and a stalled heartbeat gets a healthy worker killed).
_SHM = "/dev/shm"  # noqa: S108 - gunicorn's documented place for these files, not user data
if Path(_SHM).is_dir():
    worker_tmp_dir = _SHM

_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = _access_log or None
# %(U)s is the path without the query string; %(M)s the duration in milliseconds.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms id=%({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Behind a reverse proxy on the same machine or network: the proxy sets X-Forwarded-Proto and
# X-Forwarded-For; Django decides whether to trust them (BEHIND_TLS_PROXY, TRUSTED_PROXY_COUNT).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

proc_name = "foljsam"

# Gunicorn's control socket (gunicornc) would default to one path per user ($HOME/.gunicorn), so
# two instances on one machine would share it, and a container's user may have no home: off
# unless a path is given.
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
if _control_socket:
    control_socket = _control_socket
else:
    control_socket_disable = True
