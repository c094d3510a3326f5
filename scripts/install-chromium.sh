#!/usr/bin/env bash
# Installs Debian's Chromium (used headless by the Temporal UI browser test through playwright-core)
# when it is missing. Called by `npm run setup`. Idempotent: does nothing when a chromium binary is
# already on the PATH or CARDFLOW_CHROMIUM_PATH points at one. Debian/Ubuntu (apt-get); elsewhere
# it fails naming what to do. CARDFLOW_SKIP_CHROMIUM=1 (not in CI) installs nothing and the browser
# test is reported as skipped.
set -euo pipefail
if [ -n "${CARDFLOW_CHROMIUM_PATH:-}" ] && [ -x "${CARDFLOW_CHROMIUM_PATH}" ]; then
  echo "chromium: ${CARDFLOW_CHROMIUM_PATH}"
  exit 0
fi
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null 2>&1; then
    echo "chromium: $("$candidate" --version 2>/dev/null | head -n1)"
    exit 0
  fi
done
if [ "${CARDFLOW_SKIP_CHROMIUM:-}" = "1" ] && [ -z "${CI:-}" ]; then
  echo "chromium: not installed (CARDFLOW_SKIP_CHROMIUM=1: the browser test will be skipped)"
  exit 0
fi
fail() {
  echo "chromium is missing: $1, then run npm run setup again (or set CARDFLOW_SKIP_CHROMIUM=1 to skip the browser test)" >&2
  exit 1
}
if ! command -v apt-get >/dev/null 2>&1; then
  if [ "$(uname -s)" = "Darwin" ]; then
    fail "run brew install --cask chromium and export CARDFLOW_CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium"
  fi
  fail "install Chromium with your system's package manager and set CARDFLOW_CHROMIUM_PATH to its binary"
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  command -v sudo >/dev/null 2>&1 || fail "run as root: apt-get update && apt-get install chromium"
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium installed: $(chromium --version 2>/dev/null | head -n1)"
