#!/usr/bin/env bash
# Builds Go-built test components from the Go module proxy, once, into a cache outside the checkout:
#   scripts/tools/ensure.sh TOOL…        builds what is missing, prints one "TOOL DIR" line per tool
#   scripts/tools/ensure.sh --list       the table (tool, module@version, packages)
#   scripts/tools/ensure.sh --path TOOL… builds what is missing, prints the bin dirs ':'-joined (for PATH)
#   scripts/tools/ensure.sh --dir TOOL   prints the bin dir of a tool that is built; never builds: exits 1
#                                        with one line naming the command that builds it
#   scripts/tools/ensure.sh --times      the recorded build time of every built tool, and the total
# Cache: ${AIBOM_TOOLS_CACHE:-$HOME/.cache/aibom-webhook}/bin/<tool>-<version>/ (binaries, `.complete`,
#        `.build-seconds`), …/src/<tool>-<version>/ (the generated build module and build.log).
#        Nothing is written to the checkout. A lock per tool and version makes a second run (another
#        worktree, another test run) wait for a build in progress instead of starting the same build.
# A package `local:NAME` is a main package of this repository (scripts/tools/src/NAME/) built against
# the row's module; its version key adds a hash of those sources, so an edit rebuilds it.
# A build that fails prints its last lines and the command to retry, and exits 1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.sh
. "$here/versions.sh"
cache="${AIBOM_TOOLS_CACHE:-$HOME/.cache/aibom-webhook}"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

row_of() {
  local t
  for t in "${AIBOM_TOOLS[@]}"; do [ "${t%%|*}" = "$1" ] && { echo "$t"; return 0; }; done
  echo "tools: unknown tool '$1' (known: $(printf '%s ' "${AIBOM_TOOLS[@]%%|*}"))" >&2; return 1
}

field() { echo "$1" | cut -d'|' -f"$2"; }

local_sources_hash() { # packages -> short hash of the local sources they name ("" when none)
  local p files=()
  for p in $1; do
    case "$p" in local:*) files+=("$here/src/${p#local:}"/*.go) ;; esac
  done
  [ "${#files[@]}" -gt 0 ] || return 0
  cat "${files[@]}" | sha256sum | cut -c1-10
}

version_key() { # row -> the version part of the cache dir name
  local row="$1" modver hash
  modver="$(field "$row" 2)"; hash="$(local_sources_hash "$(field "$row" 3)")"
  echo "${modver##*@}${hash:+-$hash}"
}

bin_dir() { echo "$cache/bin/${1%%|*}-$(version_key "$1")"; }

write_k8s_module() { # dir version
  local dir="$1" version="$2" gomod
  gomod="$(go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  local staging="v0.${version#v1.}"
  {
    echo "module aibom.local/tools-k8s"; echo; echo "go 1.26.0"; echo
    echo "require k8s.io/kubernetes $version"; echo; echo "replace ("
    grep '=> ./staging' "$gomod" | awk -v v="$staging" '{print "\t"$1" => "$1" "v}'
    echo ")"
  } > "$dir/go.mod"
}

build_one() {
  local row="$1" tool modver module version pkgs dir out key
  tool="${row%%|*}"; modver="$(field "$row" 2)"; pkgs="$(field "$row" 3)"
  module="${modver%@*}"; version="${modver##*@}"; key="$(version_key "$row")"
  out="$(bin_dir "$row")"
  if [ -f "$out/.complete" ]; then echo "$tool $out"; return 0; fi
  command -v go >/dev/null 2>&1 || { echo "tools: go is not installed (Go 1.26: apt-get install golang-1.26, or from go.dev); then: scripts/tools/ensure.sh $tool" >&2; return 1; }
  command -v flock >/dev/null 2>&1 || { echo "tools: flock is missing (apt-get install util-linux)" >&2; return 1; }
  dir="$cache/src/$tool-$key"
  mkdir -p "$dir" "$out" "$cache/locks"
  # One build per tool and version on this machine: others wait here, then find `.complete`.
  exec 9>"$cache/locks/$tool-$key.lock"
  if ! flock -n 9; then
    echo "tools: waiting for another build of $tool $key (lock $cache/locks/$tool-$key.lock)" >&2
    flock 9
  fi
  if [ -f "$out/.complete" ]; then exec 9>&-; echo "$tool $out"; return 0; fi
  echo "tools: building $tool $key from $module (once; cached in $out)" >&2
  local log="$dir/build.log" start=$SECONDS targets=() p
  {
    if [ "$tool" = k8s ]; then write_k8s_module "$dir" "$version"
    else printf 'module aibom.local/tools-%s\n\ngo 1.26.0\n\nrequire %s %s\n' "$tool" "$module" "$version" > "$dir/go.mod"; fi
    printf '//go:build tools\n\npackage tools\n\nimport (\n' > "$dir/tools.go"
    for p in $pkgs; do
      case "$p" in
        local:*)
          mkdir -p "$dir/cmd/${p#local:}"
          cp "$here/src/${p#local:}"/*.go "$dir/cmd/${p#local:}/"
          targets+=("./cmd/${p#local:}") ;;
        *) printf '\t_ "%s"\n' "$p" >> "$dir/tools.go"; targets+=("$p") ;;
      esac
    done
    printf ')\n' >> "$dir/tools.go"
    (cd "$dir" && go mod tidy)
    local ldflags="-s -w"
    if [ "$tool" = k8s ]; then
      # What `make` stamps in: without it the binaries call themselves v0.0.0-master and kubectl warns.
      local major minor; major="${version#v}"; major="${major%%.*}"; minor="$(echo "$version" | cut -d. -f2)"
      ldflags="$ldflags -X k8s.io/component-base/version.gitVersion=$version -X k8s.io/component-base/version.gitMajor=$major"
      ldflags="$ldflags -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
      ldflags="$ldflags -X k8s.io/client-go/pkg/version.gitVersion=$version"
    fi
    (cd "$dir" && go build -trimpath -ldflags="$ldflags" -o "$out/" "${targets[@]}")
  } >"$log" 2>&1 || {
    echo "tools: building $tool $key failed; last lines of $log:" >&2
    tail -15 "$log" >&2
    echo "tools: retry with: scripts/tools/ensure.sh $tool" >&2
    exec 9>&-
    return 1
  }
  # The etcd main package is the module root (go.etcd.io/etcd/server/v3): go names its binary `server`.
  if [ "$tool" = etcd ] && [ -f "$out/server" ]; then mv "$out/server" "$out/etcd"; fi
  echo "$((SECONDS - start))" > "$out/.build-seconds"
  touch "$out/.complete"
  exec 9>&-
  echo "tools: $tool $key built in $((SECONDS - start)) s" >&2
  echo "$tool $out"
}

built_dir() { # tool -> its bin dir if built, else one line naming the command, exit 1
  local row out
  row="$(row_of "$1")"; out="$(bin_dir "$row")"
  # A cache from before the etcd rename above holds `server`.
  if [ "$1" = etcd ] && [ -f "$out/.complete" ] && [ -f "$out/server" ] && [ ! -e "$out/etcd" ]; then mv "$out/server" "$out/etcd"; fi
  if [ -f "$out/.complete" ]; then echo "$out"; return 0; fi
  local hint=""
  case " ${AIBOM_TEST_TOOLS[*]} " in *" $1 "*) hint=" (or npm run test:setup)" ;; esac
  echo "tools: $1 $(version_key "$row") is not built: run scripts/tools/ensure.sh $1$hint" >&2
  return 1
}

case "${1:-}" in
  --list) printf '%s\n' "${AIBOM_TOOLS[@]}"; exit 0 ;;
  --path)
    shift; dirs=()
    for t in "$@"; do row="$(row_of "$t")"; built_dir "$t" >/dev/null 2>&1 || true; dirs+=("$(build_one "$row" | cut -d' ' -f2-)"); done
    (IFS=:; echo "${dirs[*]}"); exit 0 ;;
  --dir) shift; for t in "$@"; do built_dir "$t" || exit 1; done; exit 0 ;;
  --times)
    total=0
    for t in "${AIBOM_TOOLS[@]%%|*}"; do
      out="$(bin_dir "$(row_of "$t")")"
      if [ -f "$out/.build-seconds" ]; then s="$(cat "$out/.build-seconds")"; total=$((total + s)); printf '%-13s %6s s  %s\n' "$t" "$s" "$out"
      else printf '%-13s %6s    %s\n' "$t" "-" "(not built)"; fi
    done
    printf '%-13s %6s s\n' total "$total"; exit 0 ;;
  ''|-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
for t in "$@"; do row="$(row_of "$t")"; built_dir "$t" >/dev/null 2>&1 || true; build_one "$row"; done
