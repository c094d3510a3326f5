#!/usr/bin/env bash
# Installs redis-server (used by the Redis secret store tests, the scale-out test and the chaos
# run, which start their own throwaway server) when it is missing. Called by `npm run setup`.
# Idempotent: does nothing when redis-server is already on the PATH. Debian/Ubuntu (apt-get);
# elsewhere it fails naming the command to run. CARDFLOW_SKIP_REDIS=1 (not in CI) installs nothing
# and the tests that need it are reported as skipped.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  echo "redis-server: $(redis-server --version | head -n1)"
  exit 0
fi
if [ "${CARDFLOW_SKIP_REDIS:-}" = "1" ] && [ -z "${CI:-}" ]; then
  echo "redis-server: not installed (CARDFLOW_SKIP_REDIS=1: the tests that need it will be skipped)"
  exit 0
fi
fail() {
  echo "redis-server is missing: $1, then run npm run setup again (or set CARDFLOW_SKIP_REDIS=1 to skip the tests that need it)" >&2
  exit 1
}
if ! command -v apt-get >/dev/null 2>&1; then
  if [ "$(uname -s)" = "Darwin" ]; then fail "run brew install redis"; fi
  fail "install Redis 6.2 or newer with your system's package manager (redis-server on the PATH)"
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  command -v sudo >/dev/null 2>&1 || fail "run as root: apt-get update && apt-get install redis-server"
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
echo "redis-server installed: $(redis-server --version | head -n1)"
