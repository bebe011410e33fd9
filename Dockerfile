# Följsam's container image: gunicorn (role "web") or the task worker (role "worker"), one image.
# docs/deploy.md; compose.yaml starts PostgreSQL, the web server, a worker and a TLS proxy.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH

# Only the runtime dependencies, exactly as locked (no test tools, browsers or numpy).
COPY requirements-runtime.lock /tmp/requirements-runtime.lock
RUN python -m venv /opt/venv \
    && pip install --require-hashes --no-deps -r /tmp/requirements-runtime.lock \
    && rm /tmp/requirements-runtime.lock

RUN useradd --system --create-home --home-dir /home/foljsam --uid 10001 foljsam
WORKDIR /srv/foljsam
COPY --chown=root:root . .

# The static files are collected into the image (WhiteNoise serves them). Settings need the
# keys when DEBUG is off; these throwaway ones exist only for this build step.
RUN DEBUG=0 DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    SECRET_KEY=build-only FIELD_ENCRYPTION_KEY=YnVpbGQtb25seS1idWlsZC1vbmx5LWJ1aWxkLW9ubHk= \
    IDENTITY_HASH_KEY=build-only PSEUDONYM_KEY=build-only \
    python manage.py collectstatic --noinput --verbosity 0

USER foljsam
EXPOSE 8000
ENV GUNICORN_BIND=0.0.0.0:8000
ENTRYPOINT ["deploy/entrypoint.sh"]
CMD ["web"]
