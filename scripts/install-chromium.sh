#!/usr/bin/env bash
# Installs Debian's Chromium (used headless by the Temporal UI browser test through playwright-core)
# when it is missing. Idempotent: does nothing when a chromium binary is already on the PATH or
# CARDFLOW_CHROMIUM_PATH points at one. Debian/Ubuntu (apt-get); elsewhere it says what to install.
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
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium is missing and apt-get is not available: install Chromium and set CARDFLOW_CHROMIUM_PATH" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium installed: $(chromium --version 2>/dev/null | head -n1)"
