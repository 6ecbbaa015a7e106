#!/usr/bin/env bash
# The Go-built components the test suite uses (scripts/tools/versions.sh AIBOM_TEST_TOOLS: the
# Kubernetes control plane, etcd, an OCI registry with the referrers API, crane, oras, cosign), built
# once from the Go module proxy into a cache outside the checkout; seconds when they are cached.
# A cold machine builds them all (see docs/local-cluster.md for the measured times).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tools="$here/../tools"
# shellcheck source=../tools/versions.sh
. "$tools/versions.sh"
command -v go >/dev/null 2>&1 || {
  echo "setup: go is not installed: the e2e suite needs Go 1.26 to build kube-apiserver and friends (https://go.dev/dl, or apt-get install golang-1.26)" >&2
  exit 1
}
missing=()
for t in "${AIBOM_TEST_TOOLS[@]}"; do "$tools/ensure.sh" --dir "$t" >/dev/null 2>&1 || missing+=("$t"); done
[ "${#missing[@]}" -eq 0 ] && exit 0
echo "setup: building Go components (once, cached in ${AIBOM_TOOLS_CACHE:-$HOME/.cache/aibom-webhook}): ${missing[*]}"
start=$SECONDS
"$tools/ensure.sh" "${missing[@]}" >/dev/null
echo "setup: Go components built in $((SECONDS - start)) s"
