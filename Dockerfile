# The driftbot GitHub Action (`runs.using: docker` in action.yml). Entry point: `driftbot action`.
FROM python:3.11-slim-bookworm

LABEL org.opencontainers.image.title="driftbot" \
      org.opencontainers.image.description="Keeps copied configuration in sync with its Single Source of Truth" \
      org.opencontainers.image.licenses="MIT"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# git: the bot audits PR heads in worktrees and pushes fix commits. Debian replaces a package's
# version in place with each security update, so an exact pin would break later builds; the
# base image tag pins the Debian release instead.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

# Every Python dependency pinned with hashes (requirements.lock: pip-compile, the command is in its
# header; `make install` installs the same versions), installed before the source so that a code
# change reuses this layer. It holds the fast extra: sqlglotc, sqlglot compiled, of sqlglot's version.
COPY requirements.lock /opt/driftbot/requirements.lock
RUN pip install --no-cache-dir --require-hashes --no-deps -r /opt/driftbot/requirements.lock

COPY pyproject.toml README.md LICENSE /opt/driftbot/
COPY src /opt/driftbot/src
RUN pip install --no-cache-dir --no-deps --no-build-isolation /opt/driftbot \
    && pip check

# Not root: uid 1001 is the runner user of GitHub-hosted runners, which owns the mounted
# workspace and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files this action writes.
RUN useradd --uid 1001 --user-group --no-create-home --shell /usr/sbin/nologin driftbot
USER 1001

# GitHub runs the container with --workdir /github/workspace; no WORKDIR here (GitHub's advice).
ENTRYPOINT ["driftbot", "action"]
