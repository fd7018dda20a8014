#!/usr/bin/env bash
# Makes a fresh checkout ready to run: system packages, node modules, build. Used by
# `npm test` and `npm run demo`, so that each of them works on its own on a new machine.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/install-system-deps.sh
# Install node modules when missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run build --silent
