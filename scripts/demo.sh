#!/usr/bin/env bash
# `npm run demo`: says what is missing and what it will install (and why) before installing
# anything, then runs `eport demo --seed` in ./demo (or $DEMO_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '%s\n' "$*"; }
is_root() { [ "$(id -u)" = 0 ]; }
as_root() { if is_root; then "$@"; else sudo "$@"; fi; }
can_apt() { command -v apt-get >/dev/null && { is_root || command -v sudo >/dev/null; }; }

need_redis='' need_pcsc='' need_npm='' need_build=''
if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then need_redis=1; fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  need_npm=1
  # Only as root: an optional library is not worth a sudo password prompt.
  if [ ! -f /usr/include/PCSC/winscard.h ] && is_root && command -v apt-get >/dev/null; then need_pcsc=1; fi
fi
if [ ! -f dist/main.js ] || [ -n "$(find src -newer dist/main.js -name '*.ts' -print -quit)" ]; then need_build=1; fi

if [ -n "$need_redis" ] && ! can_apt; then
  say "redis-server is needed: the gateway keeps its queues and message records in Redis / 需要 redis-server：网关的队列和报文记录存放在 Redis 中" >&2
  say "  Debian/Ubuntu: sudo apt-get install redis-server" >&2
  say "  or point the demo at a Redis you have: REDIS_URL=redis://host:6379 npm run demo" >&2
  exit 1
fi

if [ -n "$need_redis$need_pcsc$need_npm$need_build" ]; then
  say "Before the demo starts, this script will / 演示开始前，本脚本将："
  if [ -n "$need_redis" ]; then
    say "  - install redis-server with apt-get$(is_root || printf ' (through sudo, which may ask for your password)'): the gateway keeps its queues and message records in Redis / 用 apt-get 安装 redis-server：网关的队列和报文记录存放在 Redis 中"
    say "    (to use a Redis you already have instead: REDIS_URL=redis://host:6379 npm run demo / 已有 Redis 时可设置 REDIS_URL)"
  fi
  if [ -n "$need_pcsc" ]; then
    say "  - install libpcsclite-dev with apt-get: the PC/SC headers the optional operator-card module (pcsclite) compiles against; the demo signs with a generated key file and works without it / 安装 libpcsclite-dev：可选的操作员卡模块编译所需的头文件（演示使用生成的密钥文件，不依赖它）"
  fi
  if [ -n "$need_npm" ]; then
    say "  - run npm ci: the gateway's Node.js packages, exactly as package-lock.json lists them, into ./node_modules / 运行 npm ci：按 package-lock.json 安装 Node.js 依赖包"
  fi
  if [ -n "$need_build" ]; then
    say "  - compile src/ into dist/ (npm run build) / 编译 src/ 到 dist/"
  fi
fi

if [ -n "$need_redis" ]; then
  say "installing redis-server / 正在安装 redis-server"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
if [ -n "$need_pcsc" ]; then
  say "installing libpcsclite-dev / 正在安装 libpcsclite-dev"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpcsclite-dev >/dev/null
fi
if [ -n "$need_npm" ]; then npm ci --no-audit --no-fund; fi
if [ -n "$need_build" ]; then npm run build; fi
exec node bin/eport.js demo --dir "${DEMO_DIR:-./demo}" --seed "$@"
