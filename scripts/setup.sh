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
# onnxruntime's WebGPU provider needs a Vulkan adapter; Debian 12's lavapipe (Mesa 22) is too old for
# Dawn, bookworm-backports' Mesa 25 works. Extracted into .cache/lavapipe (nothing installed system-wide);
# the WebGPU tests point VK_ICD_FILENAMES at .cache/lavapipe/lvp_icd.json.
LVP_DIR="$PWD/.cache/lavapipe"
MESA_VERSION=25.0.7-2~bpo12+1
if [ -f "$LVP_DIR/lvp_icd.json" ]; then
  :
elif command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 && grep -q bookworm /etc/os-release 2>/dev/null; then
  echo "setup: fetching Mesa $MESA_VERSION lavapipe (bookworm-backports) for the onnxruntime WebGPU tests"
  mkdir -p "$LVP_DIR/apt/lists/partial" "$LVP_DIR/apt/cache/archives/partial"
  # The machine's own Debian mirror (its apt sources), with the backports suite.
  DEBIAN_URI=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null)
  [ -n "$DEBIAN_URI" ] || DEBIAN_URI=$(awk '/^deb / && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  echo "deb $DEBIAN_URI bookworm-backports main" > "$LVP_DIR/apt/sources.list"
  APT_OPTS=(-o "Dir::Etc::SourceList=$LVP_DIR/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$LVP_DIR/apt/lists" -o "Dir::Cache=$LVP_DIR/apt/cache" -o APT::Sandbox::User=root)
  if apt-get "${APT_OPTS[@]}" update -qq && (cd "$LVP_DIR" && apt-get "${APT_OPTS[@]}" download -qq "mesa-vulkan-drivers=$MESA_VERSION"); then
    dpkg-deb -x "$LVP_DIR"/mesa-vulkan-drivers_*.deb "$LVP_DIR/root"
    printf '{"file_format_version":"1.0.0","ICD":{"api_version":"1.4.305","library_path":"%s"}}\n' \
      "$LVP_DIR/root/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so" > "$LVP_DIR/lvp_icd.json"
  else
    echo "setup: note: could not fetch Mesa $MESA_VERSION; the onnxruntime WebGPU tests will say so"
  fi
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
