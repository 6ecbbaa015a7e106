// The images the AdmissionReview fixtures use: IP-literal registries or docker.io names, never
// resolved (tests answer lookups from tables; the loopback guard refuses anything else).
export const IMAGES = {
  model: '127.0.0.1:5000/ml/granite-docling-server:1.0',
  modelNext: '127.0.0.1:5000/ml/granite-docling-server:1.1',
  agent: '127.0.0.1:5000/ml/ticket-triage-agent:2.1',
  dataset: '127.0.0.1:5000/data/support-tickets:2026.04',
  sidecar: '127.0.0.1:5000/infra/log-shipper:3.2',
  plain: 'nginx:1.27',
  debug: 'busybox:1.36',
  modelArtifact: '127.0.0.1:5000/models/granite-docling-258m:1.0',
  runtime: 'docker.io/vllm/vllm-openai:v0.6.0',
} as const;
