#!/usr/bin/env bash
# Installs code-server (VS Code's server and web workbench, from the npm registry) into the project's
# .cache folder, so the extension-host and UI tests can run in a real VS Code where desktop VS Code
# cannot be downloaded. It is deliberately not a package.json dependency: only test machines pay for it.
#
# Idempotent: once installed, a re-run only checks a marker file and prints the bin path.
# Needs Node 20 (code-server's requirement), libkrb5-dev and a C toolchain (native modules), and
# Debian's ripgrep (/usr/bin/rg) for the cache trick below.
#
# Usage: scripts/install-code-server.sh [--force]
# Prints the absolute path of the code-server executable on its last line of stdout.
set -euo pipefail

CODE_SERVER_VERSION="4.100.3"
# Pinned by code-server 4.100.3's lib/vscode/npm-shrinkwrap.json, and the prebuilt tag that
# @vscode/ripgrep 1.15.11's postinstall downloads.
RIPGREP_PACKAGE_VERSION="1.15.11"
RIPGREP_TAG="v13.0.0-10"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$root/.cache/code-server"
bin="$prefix/node_modules/.bin/code-server"
marker="$prefix/.installed-$CODE_SERVER_VERSION"

if [[ "${1:-}" != "--force" && -f "$marker" && -x "$bin" ]]; then
  echo "code-server $CODE_SERVER_VERSION already installed"
  echo "$bin"
  exit 0
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$node_major" != "20" ]]; then
  echo "install-code-server: code-server $CODE_SERVER_VERSION needs Node 20, found $(node -v)" >&2
  exit 1
fi

rg_bin="$(command -v rg || true)"
if [[ -z "$rg_bin" ]]; then
  echo "install-code-server: ripgrep (rg) is required; on Debian: apt-get install ripgrep" >&2
  exit 1
fi

case "$(uname -m)" in
  x86_64) rg_target="x86_64-unknown-linux-musl" ;;
  aarch64) rg_target="aarch64-unknown-linux-musl" ;;
  *) echo "install-code-server: unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac

started=$SECONDS
mkdir -p "$prefix"
rm -f "$prefix"/.installed-*

# @vscode/ripgrep's postinstall downloads rg from GitHub, which these machines cannot reach. It first
# looks for a cached archive in $TMPDIR/vscode-ripgrep-cache-<version>/; an archive holding the
# system's rg at its root satisfies it. A private TMPDIR keeps the trick inside the project cache.
tmp="$prefix/tmp"
rg_cache="$tmp/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
mkdir -p "$rg_cache"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp "$rg_bin" "$staging/rg"
tar -czf "$rg_cache/ripgrep-$RIPGREP_TAG-$rg_target.tar.gz" -C "$staging" rg

# A package.json of its own keeps npm from walking up to the repository's package.json.
if [[ ! -f "$prefix/package.json" ]]; then
  printf '{\n  "name": "kafka-workbench-code-server-cache",\n  "private": true\n}\n' >"$prefix/package.json"
fi

echo "Installing code-server $CODE_SERVER_VERSION into $prefix (takes about a minute)..." >&2
# unsafe_perm: code-server's postinstall refuses to run as root without it.
# yes: node-pty's postinstall runs `npx node-gyp`, which would otherwise prompt.
(
  cd "$prefix"
  TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
)

if ! "$bin" --version >/dev/null 2>&1; then
  echo "install-code-server: installed, but '$bin --version' fails" >&2
  exit 1
fi
touch "$marker"
echo "code-server $CODE_SERVER_VERSION installed in $((SECONDS - started)) s" >&2
echo "$bin"
