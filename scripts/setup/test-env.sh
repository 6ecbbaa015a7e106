#!/usr/bin/env bash
# Sets up everything the test suite needs, on a fresh machine too; idempotent and quick once done.
# `npm test` runs it first, and .ci/run runs `npm test`. Each step is its own script here:
#   debian.sh       Debian packages (docker-registry, skopeo, htpasswd, openssl, …)
#   go-tools.sh     the Go-built components (scripts/tools/ensure.sh), cached outside the checkout
#   python-venv.sh  the Python virtualenv whose real libraries write model-file fixtures
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
