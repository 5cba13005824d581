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
