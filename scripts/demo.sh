#!/usr/bin/env bash
# `npm run demo`: installs what is missing, then runs `eport demo --seed` in ./demo (or $DEMO_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing redis-server / 正在安装 redis-server"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis-server is needed / 需要 redis-server:" >&2
    echo "  Debian/Ubuntu: sudo apt-get install redis-server" >&2
    echo "  or point the demo at a Redis you have: REDIS_URL=redis://host:6379 npm run demo" >&2
    exit 1
  fi
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if [ ! -f /usr/include/PCSC/winscard.h ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    # the pcsclite module (operator cards) compiles against the PC/SC headers
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpcsclite-dev >/dev/null
  fi
  npm ci --no-audit --no-fund
fi
[ -f dist/main.js ] && [ -z "$(find src -newer dist/main.js -name '*.ts' -print -quit)" ] || npm run build
exec node bin/eport.js demo --dir "${DEMO_DIR:-./demo}" --seed "$@"
