#!/usr/bin/env bash
# Sets up everything the test suite needs, on a fresh machine too; idempotent and quick once done.
# `npm test` runs it first, and .ci/run runs `npm test`. Each step is its own script here:
#   debian.sh       Debian packages (docker-registry, skopeo, htpasswd, openssl, …)
#   go-tools.sh     the Go-built components (scripts/tools/ensure.sh), cached outside the checkout
#   python-venv.sh  the Python virtualenv whose real libraries write model-file fixtures
# and, last, a stale dist/ is rebuilt: bin/aibom.js runs dist/ when it exists (else src/ through tsx),
# so a dist/ older than src/ would make the CLI tests run yesterday's code.
# AIBOM_SETUP_SKIP="debian go python" skips steps (for a machine where they are done another way).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
skip=" ${AIBOM_SETUP_SKIP:-} "
for step in debian go-tools python-venv; do
  short="${step%%-*}"
  case "$skip" in *" $short "*) continue ;; esac
  [ -x "$here/$step.sh" ] || continue
  "$here/$step.sh"
done

root="$here/../.."
if [ -f "$root/dist/cli/run.js" ] && [ -n "$(find "$root/src" -newer "$root/dist/cli/run.js" -print -quit)" ]; then
  echo "setup: dist/ is older than src/: rebuilding it"
  "$root/scripts/build.sh" --skip-install >/dev/null
fi
