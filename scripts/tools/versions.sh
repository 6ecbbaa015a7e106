# The Go-built components that the tests and the local cluster use: one line each,
#   <tool>|<go module>@<version>|<main package>[ <main package>…]
# Built from the Go module proxy by scripts/tools/ensure.sh into a cache outside the checkout,
# keyed by tool and version. k8s.io/kubernetes needs its staging modules replaced (see ensure.sh).
# `local:NAME` is a main package of this repository (scripts/tools/src/NAME/) built against the module.
# AIBOM_TEST_TOOLS: what the test suite uses, built by scripts/setup/go-tools.sh (`npm test`, .ci/run);
# the others are built on demand (`scripts/tools/ensure.sh syft` for the scan benchmark, …).
# shellcheck disable=SC2034
AIBOM_TOOLS=(
  "k8s|k8s.io/kubernetes@v1.37.2|k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl"
  "etcd|go.etcd.io/etcd/server/v3@v3.7.3|go.etcd.io/etcd/server/v3"
  "crane|github.com/google/go-containerregistry@v0.22.1|github.com/google/go-containerregistry/cmd/crane"
  "oci-registry|github.com/google/go-containerregistry@v0.22.1|local:oci-registry"
  "oras|oras.land/oras@v1.3.6|oras.land/oras/cmd/oras"
  "cosign|github.com/sigstore/cosign/v3@v3.1.3|github.com/sigstore/cosign/v3/cmd/cosign"
  "notation|github.com/notaryproject/notation@v1.3.2|github.com/notaryproject/notation/cmd/notation"
  "helm|helm.sh/helm/v4@v4.3.2|helm.sh/helm/v4/cmd/helm"
  "promtool|github.com/prometheus/prometheus@v0.316.0|github.com/prometheus/prometheus/cmd/promtool"
  "syft|github.com/anchore/syft@v1.57.2|github.com/anchore/syft/cmd/syft"
)
AIBOM_TEST_TOOLS=(k8s etcd oci-registry crane oras cosign notation promtool helm)
