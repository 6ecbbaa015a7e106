{{/* The release's base name: the release name when it contains the chart name (aibom-webhook), else both. */}}
{{- define "aibom.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Names as deploy/ (kustomize) has them for the default release, derived for others. */}}
{{- define "aibom.configName" -}}
{{- if eq (include "aibom.fullname" .) "aibom-webhook" -}}aibom-config{{- else -}}{{ include "aibom.fullname" . }}-config{{- end -}}
{{- end -}}
{{- define "aibom.policiesName" -}}
{{- if .Values.policy.existingConfigMap -}}{{ .Values.policy.existingConfigMap }}
{{- else if eq (include "aibom.fullname" .) "aibom-webhook" -}}aibom-policies{{- else -}}{{ include "aibom.fullname" . }}-policies{{- end -}}
{{- end -}}
{{- define "aibom.tlsSecretName" -}}
{{- if eq .Values.certificates.mode "certManager" -}}{{ include "aibom.fullname" . }}-tls{{- else -}}{{ .Values.certificates.existingSecret.name }}{{- end -}}
{{- end -}}

{{/* Selector labels: stable across upgrades. */}}
{{- define "aibom.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
{{- if ne (include "aibom.fullname" .) "aibom-webhook" }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- end -}}

{{- define "aibom.labels" -}}
{{ include "aibom.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- define "aibom.image" -}}
{{- if .Values.image.digest -}}{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}{{- end -}}
{{- end -}}

{{/* The namespaceSelector both webhook configurations share. */}}
{{- define "aibom.namespaceSelector" -}}
namespaceSelector:
  matchExpressions:
    # Opt-out label on a namespace.
    - key: aibom.io/webhook
      operator: NotIn
      values: ["disabled"]
    # System namespaces and the webhook's own (it must never block its own rollout).
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values: {{ concat .Values.webhooks.excludedNamespaces (list .Release.Namespace) | uniq | toJson }}
{{- end -}}

{{- define "aibom.rules" -}}
rules:
  - operations: ["CREATE", "UPDATE"]
    apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods", "pods/ephemeralcontainers", "replicationcontrollers"]
    scope: Namespaced
  - operations: ["CREATE", "UPDATE"]
    apiGroups: ["apps"]
    apiVersions: ["v1"]
    resources: ["deployments", "replicasets", "statefulsets", "daemonsets"]
    scope: Namespaced
  - operations: ["CREATE", "UPDATE"]
    apiGroups: ["batch"]
    apiVersions: ["v1"]
    resources: ["jobs", "cronjobs"]
    scope: Namespaced
{{- end -}}

{{/* clientConfig of a webhook: the Service, and the caBundle when the CA is given (cert-manager injects its own). */}}
{{- define "aibom.clientConfig" -}}
clientConfig:
  service:
    name: {{ include "aibom.fullname" .root }}
    namespace: {{ .root.Release.Namespace }}
    path: {{ .path }}
    port: 443
  {{- if and (eq .root.Values.certificates.mode "existingSecret") .root.Values.certificates.existingSecret.caBundle }}
  caBundle: {{ .root.Values.certificates.existingSecret.caBundle }}
  {{- end }}
{{- end -}}

{{- define "aibom.webhookAnnotations" -}}
{{- if eq .Values.certificates.mode "certManager" }}
annotations:
  cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/{{ include "aibom.fullname" . }}
{{- end }}
{{- end -}}
