#!/usr/bin/env bash
# Builds Go-built test components from the Go module proxy, once, into a cache outside the checkout:
#   scripts/tools/ensure.sh TOOL…     builds what is missing, prints one "TOOL DIR" line per tool
#   scripts/tools/ensure.sh --list    the table (tool, module@version, packages)
#   scripts/tools/ensure.sh --path TOOL…  prints the bin directories only, ':'-joined (for PATH)
# Cache: ${AIBOM_TOOLS_CACHE:-$HOME/.cache/aibom-webhook}/bin/<tool>-<version>/ (binaries),
#        …/src/<tool>-<version>/ (the generated build module). Nothing is written to the checkout.
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

bin_dir() { # tool row -> cache bin dir
  local row="$1" tool modver
  tool="${row%%|*}"; modver="$(echo "$row" | cut -d'|' -f2)"
  echo "$cache/bin/$tool-${modver##*@}"
}

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
  local row="$1" tool modver module version pkgs dir out
  tool="${row%%|*}"; modver="$(echo "$row" | cut -d'|' -f2)"; pkgs="$(echo "$row" | cut -d'|' -f3)"
  module="${modver%@*}"; version="${modver##*@}"
  out="$(bin_dir "$row")"
  if [ -f "$out/.complete" ]; then echo "$tool $out"; return 0; fi
  command -v go >/dev/null 2>&1 || { echo "tools: go is not installed (Debian: apt-get install golang, or Go 1.26 from go.dev)" >&2; return 1; }
  dir="$cache/src/$tool-$version"
  mkdir -p "$dir" "$out"
  echo "tools: building $tool $version from $module (once; cached in $out)" >&2
  local log="$dir/build.log" start=$SECONDS
  {
    if [ "$tool" = k8s ]; then write_k8s_module "$dir" "$version"
    else printf 'module aibom.local/tools-%s\n\ngo 1.26.0\n\nrequire %s %s\n' "$tool" "$module" "$version" > "$dir/go.mod"; fi
    printf '//go:build tools\n\npackage tools\n\nimport (\n' > "$dir/tools.go"
    for p in $pkgs; do printf '\t_ "%s"\n' "$p" >> "$dir/tools.go"; done
    printf ')\n' >> "$dir/tools.go"
    (cd "$dir" && go mod tidy)
    local ldflags="-s -w"
    if [ "$tool" = k8s ]; then
      ldflags="$ldflags -X k8s.io/component-base/version.gitVersion=$version -X k8s.io/client-go/pkg/version.gitVersion=$version"
    fi
    # shellcheck disable=SC2086
    (cd "$dir" && go build -trimpath -ldflags="$ldflags" -o "$out/" $pkgs)
  } >"$log" 2>&1 || {
    echo "tools: building $tool $version failed; last lines of $log:" >&2
    tail -15 "$log" >&2
    echo "tools: retry with: scripts/tools/ensure.sh $tool" >&2
    return 1
  }
  # The etcd main package is the module root: its binary is named after the module's last element.
  if [ "$tool" = etcd ] && [ -f "$out/v3" ]; then mv "$out/v3" "$out/etcd"; fi
  echo "$((SECONDS - start))" > "$out/.build-seconds"
  touch "$out/.complete"
  echo "tools: $tool $version built in $((SECONDS - start)) s" >&2
  echo "$tool $out"
}

case "${1:-}" in
  --list) printf '%s\n' "${AIBOM_TOOLS[@]}"; exit 0 ;;
  --path)
    shift; dirs=()
    for t in "$@"; do row="$(row_of "$t")"; dirs+=("$(build_one "$row" | cut -d' ' -f2-)"); done
    (IFS=:; echo "${dirs[*]}"); exit 0 ;;
  ''|-h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
for t in "$@"; do row="$(row_of "$t")"; build_one "$row"; done
