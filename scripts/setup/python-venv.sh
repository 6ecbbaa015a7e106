#!/usr/bin/env bash
# The Python virtualenv whose real libraries write model-file fixtures at test time, created outside
# the checkout from a pinned requirements file and keyed by that file's hash:
#   scripts/setup/python-venv.sh            fixtures venv (scripts/python/requirements-fixtures.txt)
#   scripts/setup/python-venv.sh --peers    the peer scanners' venv (bench only)
#   scripts/setup/python-venv.sh --print [--peers]   prints the venv's python path (creates it if missing)
# Cache: ${AIBOM_TOOLS_CACHE:-$HOME/.cache/aibom-webhook}/venv-<name>-<sha256 of requirements, 12 hex>/
# A missing Python or a failed install is one line naming the command to run, and exit 1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name=fixtures; print=0
for arg in "$@"; do
  case "$arg" in
    --peers) name=peers ;;
    --print) print=1 ;;
    *) echo "python-venv: unknown option $arg" >&2; exit 2 ;;
  esac
done
req="$root/scripts/python/requirements-$name.txt"
cache="${AIBOM_TOOLS_CACHE:-$HOME/.cache/aibom-webhook}"
python="${AIBOM_PYTHON:-$(command -v python3 || true)}"
if [ -z "$python" ]; then
  echo "python-venv: python3 (3.11) is not installed; install it (Debian: apt-get install python3 python3-venv), then run scripts/setup/python-venv.sh" >&2
  exit 1
fi
hash="$(sha256sum "$req" | cut -c1-12)"
venv="$cache/venv-$name-$hash"
if [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  mkdir -p "$cache"
  log="$cache/venv-$name-$hash.log"
  echo "python-venv: creating $venv from ${req#"$root"/} (once)" >&2
  if ! { "$python" -m venv "$venv" && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"; } >"$log" 2>&1; then
    tail -5 "$log" >&2
    retry="scripts/setup/python-venv.sh"; [ "$name" = peers ] && retry="$retry --peers"
    echo "python-venv: installing ${req#"$root"/} failed (log: $log); fix the cause, then run: $retry" >&2
    rm -rf "$venv"
    exit 1
  fi
  touch "$venv/.complete"
fi
if [ "$print" = 1 ]; then echo "$venv/bin/python"; fi
