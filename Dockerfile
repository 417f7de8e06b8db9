# deescalate: slim image, non-root (numeric uid, so runAsNonRoot can verify it), `deescalate serve`,
# health-checked on /readyz.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=3000

RUN groupadd --gid 10001 deescalate \
    && useradd --uid 10001 --gid 10001 --create-home --shell /usr/sbin/nologin deescalate

WORKDIR /app
# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes, not on
# every code change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt
COPY README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY shell ./shell
COPY cli ./cli
COPY phrasebook ./phrasebook
RUN pip install --no-deps .

USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '3000'), timeout=4)" || exit 1
CMD ["deescalate", "serve"]
