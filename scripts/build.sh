#!/usr/bin/env bash
# The one build script: the Dockerfile runs it, and CI runs it outside Docker (.ci/run).
#   scripts/build.sh [--skip-install] [--prune]
#   --skip-install  dependencies are already installed (CI has just run npm ci)
#   --prune         drop devDependencies afterwards (the image); never in a working tree you test in
set -euo pipefail
cd "$(dirname "$0")/.."

install=1
prune=0
for arg in "$@"; do
  case "$arg" in
    --skip-install) install=0 ;;
    --prune) prune=1 ;;
    *) echo "build: unknown argument $arg" >&2; exit 2 ;;
  esac
done

if [ "$install" = 1 ]; then npm ci --no-audit --no-fund; fi
rm -rf dist
npx tsc -p tsconfig.build.json
# Smoke test of the compiled CLI: it loads and knows its commands.
node dist/cli/run.js serve --help >/dev/null
if [ "$prune" = 1 ]; then npm prune --omit=dev --no-audit --no-fund; fi
echo "build: dist/ ready"
