#!/usr/bin/env bash
# Makes a CA and a serving certificate for the webhook Service (<service>.<namespace>.svc) with
# openssl (ECDSA P-256), and writes a kustomize overlay that installs them:
#   OUT/ca.crt ca.key tls.crt tls.key   the CA and the serving pair (keys 0600)
#   OUT/secret.yaml                     kubernetes.io/tls Secret aibom-webhook-tls
#   OUT/kustomization.yaml              deploy/ + the Secret + caBundle patched into both webhook configurations
# Then: kubectl apply -k OUT
# Options: --ip IP (repeatable) adds an IP SAN (127.0.0.1 for a webhook registered by url, as the
# local cluster does); --reuse-ca keeps OUT/ca.{crt,key} when present and makes only a new serving pair.
# Rotate: run again with --reuse-ca and apply: the webhook reloads the Secret without a restart and the
# caBundle stays the same. Without --reuse-ca the CA changes too, and so must the caBundle at the same
# moment: prefer cert-manager's CA injector for that.
set -euo pipefail

service=aibom-webhook
namespace=aibom-system
out="$(dirname "$0")/out"
deploy="$(cd "$(dirname "$0")/../deploy" && pwd)"
days=365
ips=()
reuse_ca=false
while [ $# -gt 0 ]; do
  case "$1" in
    --service) service="$2"; shift 2 ;;
    --namespace) namespace="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --deploy) deploy="$(cd "$2" && pwd)"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    --ip) ips+=("$2"); shift 2 ;;
    --reuse-ca) reuse_ca=true; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "make-certs: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v openssl >/dev/null || { echo "make-certs: openssl is required" >&2; exit 1; }

mkdir -p "$out"
out="$(cd "$out" && pwd)"
umask 077
fqdn="${service}.${namespace}.svc"

if [ "$reuse_ca" = true ] && [ -s "$out/ca.key" ] && [ -s "$out/ca.crt" ]; then
  echo "make-certs: keeping the CA in $out (--reuse-ca)"
else
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/ca.key"
  openssl req -x509 -new -key "$out/ca.key" -sha256 -days "$days" -subj "/CN=${service} webhook CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$out/ca.crt"
fi

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/tls.key"
openssl req -new -key "$out/tls.key" -subj "/CN=${fqdn}" -out "$out/tls.csr"
cat > "$out/tls.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:${service},DNS:${service}.${namespace},DNS:${fqdn},DNS:${fqdn}.cluster.local$(for ip in "${ips[@]}"; do printf ',IP:%s' "$ip"; done)
EXT
openssl x509 -req -in "$out/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
  -days "$days" -sha256 -extfile "$out/tls.ext" -out "$out/tls.crt" 2>/dev/null
rm -f "$out/tls.csr" "$out/tls.ext"
chmod 0644 "$out/ca.crt" "$out/tls.crt"

b64() { base64 -w0 < "$1"; }
cat > "$out/secret.yaml" <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: ${service}-tls
  namespace: ${namespace}
  labels:
    app.kubernetes.io/name: aibom-webhook
type: kubernetes.io/tls
data:
  tls.crt: $(b64 "$out/tls.crt")
  tls.key: $(b64 "$out/tls.key")
  ca.crt: $(b64 "$out/ca.crt")
YAML

ca_bundle="$(b64 "$out/ca.crt")"
cat > "$out/kustomization.yaml" <<YAML
# Written by certs/make-certs.sh: deploy/ plus the serving certificate and the CA bundle.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $(realpath --relative-to="$out" "$deploy")
  - secret.yaml
patches:
  - target:
      kind: MutatingWebhookConfiguration
      name: aibom-webhook
    patch: |-
      - op: add
        path: /webhooks/0/clientConfig/caBundle
        value: ${ca_bundle}
  - target:
      kind: ValidatingWebhookConfiguration
      name: aibom-webhook
    patch: |-
      - op: add
        path: /webhooks/0/clientConfig/caBundle
        value: ${ca_bundle}
YAML
echo "make-certs: wrote $out (CA, serving certificate for ${fqdn}, secret.yaml, kustomization.yaml)"
echo "make-certs: install with: kubectl apply -k $out"
