#!/usr/bin/env bash
# The Debian packages the tests use, installed when missing (needs root or passwordless sudo);
# libxml2-utils gives xmllint, which validates the CycloneDX XML against the official XSD.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
[ -x /usr/bin/docker-registry ] || need+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
if [ "${#need[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
  echo "setup: installing Debian packages: ${need[*]}"
  $sudo apt-get update -qq || { echo "setup: apt-get update failed; install by hand: apt-get install ${need[*]}" >&2; exit 1; }
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || { echo "setup: could not install ${need[*]}; install by hand: apt-get install ${need[*]}" >&2; exit 1; }
  # The docker-registry package starts its own service on :5000; the tests start their own on free ports.
  if command -v systemctl >/dev/null 2>&1; then $sudo systemctl stop docker-registry >/dev/null 2>&1 || true; fi
fi
