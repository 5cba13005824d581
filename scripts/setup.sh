#!/usr/bin/env bash
# One-time set-up on a fresh machine: pnpm (from the npm registry) and the workspace's packages.
# Idempotent; uses only the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION from the npm registry"
  npm install --global --no-audit --no-fund "pnpm@$PNPM_VERSION" >/dev/null
fi
# CI installs exactly the committed lockfile; locally pnpm may update it.
if [ -n "${CI:-}" ]; then
  pnpm install --frozen-lockfile --reporter=append-only
else
  pnpm install --reporter=append-only
fi
# The playground's browser test drives Debian's chromium (headless) through playwright-core.
if [ -x /usr/bin/chromium ] || [ -n "${CHROMIUM_PATH:-}" ]; then
  :
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium for the playground's browser test"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
else
  echo "setup: note: /usr/bin/chromium is missing; the playground's browser test needs it (apt-get install chromium as root, or set CHROMIUM_PATH)"
fi
# The CLI's queue tests (packages/cli/src/queue) start Debian's redis-server on a free loopback port.
if [ -x /usr/bin/redis-server ] || [ -n "${REDIS_SERVER:-}" ]; then
  :
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing Debian's redis-server for the CLI's queue tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
else
  echo "setup: note: /usr/bin/redis-server is missing; the CLI's queue tests need it (apt-get install redis-server as root, or set REDIS_SERVER)"
fi
