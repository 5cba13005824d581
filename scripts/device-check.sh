#!/usr/bin/env bash
# GPU device check: W32 pose 256×192, W48 seg 512×1024 and Faster R-CNN W32 800×1344 (random weights
# from our model tree, nothing downloaded) on onnxruntime-node CPU (all threads), WebGPU (Dawn on
# Vulkan) and CUDA where each can start; parity of each GPU provider vs CPU (1e-4 of std), ms per
# forward, JSON summary in $OUT/device-check.json. Meant to end within 5 minutes (--budget-s 280).
# The work is apps/playground/src/bench/device-check.ts.
#
#   bash scripts/device-check.sh [run] [-- ARGS]   run it (ARGS: --models pose,seg,frcnn --eps cpu,webgpu,cuda
#                                                  --budget-s 280 --runs N --software-all --out DIR)
#   bash scripts/device-check.sh pack              build .cache/device-check/{app,node}.tar.xz for a machine
#                                                  without node_modules (or without Node): see below
#   bash scripts/device-check.sh unpack            unpack the carried tarballs into /tmp/hrnet-device-check
#
# On the lent GPU machine (nothing reachable, 64 MiB per call for the ~35 MB tracked tree plus what is
# carried): `pack` here once; then run with carry [".cache/device-check/app.tar.xz"] and
# timeout_s ≥ 330. If that machine has no `node`, first make a call carrying only
# ".cache/device-check/node.tar.xz" with `bash scripts/device-check.sh unpack` (both tarballs together
# are over the limit), then the run call while the machine is still warm. The Vulkan loader comes in
# app.tar.xz; if no NVIDIA ICD is found, set VK_ICD_FILENAMES (e.g.
# /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json).
#
# With node_modules here, `run` uses them (tsx). Without them it unpacks .cache/device-check/app.tar.xz
# (the bundled check, onnxruntime-node 1.30 for linux-x64 and a Vulkan loader, ~14 MB) into
# /tmp/hrnet-device-check, and uses `node` from the PATH or, when there is none, the one unpacked from
# .cache/device-check/node.tar.xz (~22 MB; or left in /tmp/hrnet-device-check by an earlier call on
# the same machine). The WebGPU provider gets an NVIDIA Vulkan ICD when one is installed
# (/usr/local/nvidia/share/vulkan/icd.d, /usr/share/vulkan/icd.d, /etc/vulkan/icd.d, or
# $VK_ICD_FILENAMES), else the Mesa 25 lavapipe of scripts/setup.sh (software: correctness only).
# CUDA needs onnxruntime-node's CUDA provider libraries, which its skipped postinstall would fetch
# from NuGet; the check says how to get them when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"
PACK_DIR="$REPO/.cache/device-check"
UNPACKED=/tmp/hrnet-device-check
mode="${1:-run}"
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift

pack() {
  local ort stage node_bin
  ort=$(node -p "require('path').dirname(require.resolve('onnxruntime-node/package.json', {paths: ['$REPO/apps/playground']}))")
  stage=$(mktemp -d)
  trap 'rm -rf "$stage"' RETURN
  mkdir -p "$stage/app/node_modules" "$stage/app/lib" "$stage/node/bin" "$PACK_DIR"
  echo "device-check pack: bundling apps/playground/src/bench/device-check.ts"
  node --input-type=module -e "
    import { build } from 'esbuild';
    await build({
      entryPoints: ['apps/playground/src/bench/device-check.ts'], outfile: '$stage/app/device-check.mjs',
      bundle: true, platform: 'node', format: 'esm', target: 'node20', conditions: ['source'],
      external: ['onnxruntime-node'], logLevel: 'warning',
      banner: { js: \"import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);\" },
    });"
  # onnxruntime-node for linux-x64 only, and its one runtime dependency.
  mkdir -p "$stage/app/node_modules/onnxruntime-node/bin/napi-v6/linux"
  cp -r "$ort/package.json" "$ort/dist" "$stage/app/node_modules/onnxruntime-node/"
  cp -r "$ort/bin/napi-v6/linux/x64" "$stage/app/node_modules/onnxruntime-node/bin/napi-v6/linux/"
  cp -rL "$(dirname "$ort")/onnxruntime-common" "$stage/app/node_modules/"
  # The Vulkan loader (Dawn dlopens libvulkan.so.1; GPU images often lack it).
  local vk
  vk=$(ldconfig -p | awk '/libvulkan\.so\.1 .*x86-64/ && !found {print $NF; found = 1}')
  if [ -n "$vk" ]; then cp -L "$vk" "$stage/app/lib/libvulkan.so.1"; else echo "device-check pack: note: no libvulkan.so.1 here to carry"; fi
  echo "device-check pack: compressing (xz -9; a few minutes on 2 cores)"
  tar -C "$stage/app" -cf - . | xz -9 -T0 > "$PACK_DIR/app.tar.xz"
  node_bin=$(command -v node)
  strip -o "$stage/node/bin/node" "$node_bin" 2>/dev/null || cp "$node_bin" "$stage/node/bin/node"
  tar -C "$stage/node" -cf - . | xz -9 -T0 > "$PACK_DIR/node.tar.xz"
  ls -l "$PACK_DIR"/*.tar.xz
  echo "device-check pack: carry .cache/device-check/app.tar.xz (and node.tar.xz where the machine has no node) and run: bash scripts/device-check.sh"
}

# Unpacks whatever of .cache/device-check/{app,node}.tar.xz is there into /tmp/hrnet-device-check
# (kept there for later calls on the same machine).
unpack() {
  if [ -f "$PACK_DIR/app.tar.xz" ]; then
    rm -rf "$UNPACKED/app" && mkdir -p "$UNPACKED/app" && tar -C "$UNPACKED/app" -xJf "$PACK_DIR/app.tar.xz"
  fi
  if [ -f "$PACK_DIR/node.tar.xz" ]; then
    rm -rf "$UNPACKED/node" && mkdir -p "$UNPACKED/node" && tar -C "$UNPACKED/node" -xJf "$PACK_DIR/node.tar.xz"
  fi
  echo "device check: node $(command -v node >/dev/null 2>&1 && node --version || echo 'not on the PATH'); unpacked: $(ls "$UNPACKED" 2>/dev/null | tr '\n' ' ')"
}

run() {
  export OUT="${OUT:-$REPO/device-check-out}"
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
  export HRNET_REPO="$REPO"
  mkdir -p "$OUT"
  local cmd
  if [ -x "$REPO/node_modules/.bin/tsx" ] && command -v node >/dev/null 2>&1; then
    cmd=("$REPO/node_modules/.bin/tsx" --conditions=source apps/playground/src/bench/device-check.ts)
  else
    unpack
    # DEVICE_CHECK_NODE=packed: the packed node even where the machine has one (to test the pack).
    if [ "${DEVICE_CHECK_NODE:-}" = packed ] || ! command -v node >/dev/null 2>&1; then
      [ -x "$UNPACKED/node/bin/node" ] || { echo "device check: no node on the PATH and no .cache/device-check/node.tar.xz (bash scripts/device-check.sh pack, then carry it)"; exit 2; }
      export PATH="$UNPACKED/node/bin:$PATH"
    fi
    [ -f "$UNPACKED/app/device-check.mjs" ] || { echo "device check: no node_modules and no .cache/device-check/app.tar.xz (bash scripts/device-check.sh pack, then carry it)"; exit 2; }
    export LD_LIBRARY_PATH="$UNPACKED/app/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    cmd=(node "$UNPACKED/app/device-check.mjs")
  fi
  # A hard stop a little past the check's own budget.
  set -o pipefail
  timeout --kill-after=10 300 "${cmd[@]}" "$@" 2>&1 | grep --line-buffered -v -e 'artificially reduced' -e 'VerifyEachNodeIsAssignedToAnEp' | tee "$OUT/device-check.log"
}

case "$mode" in
  pack) pack ;;
  unpack) unpack ;;
  run) run "$@" ;;
  *) echo "usage: bash scripts/device-check.sh [run|pack|unpack] [-- ARGS]"; exit 2 ;;
esac
