#!/usr/bin/env bash
# Installs redis-server (used by the Redis secret store tests, which start their own throwaway
# server) when it is missing. Idempotent: does nothing when redis-server is already on the PATH.
# Debian/Ubuntu (apt-get); elsewhere it says what to install.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  echo "redis-server: $(redis-server --version | head -n1)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "redis-server is missing and apt-get is not available: install Redis (>= 6.2) by hand" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
echo "redis-server installed: $(redis-server --version | head -n1)"
