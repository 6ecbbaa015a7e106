// charts/aibom-webhook through the real helm (v4.3.2, built from the Go module proxy): render, lint,
// and the normalisation that makes a render comparable with `kubectl kustomize deploy/`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runGoTool, type ToolRun } from './go-tool.js';

export const CHART = 'charts/aibom-webhook';

export interface K8sManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

// helm keeps caches and configuration under these: a fresh temporary home, nothing of the user's.
const home = mkdtempSync(join(tmpdir(), 'aibom-helm-'));
const HELM_ENV = { HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data'), HOME: home };

export function helm(args: string[]): ToolRun {
  return runGoTool('helm', args, { env: HELM_ENV });
}

/** `--set` pairs as helm arguments. */
export function sets(values: Record<string, string>): string[] {
  return Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
}

/** `helm template` of the chart; throws with helm's words when it refuses. */
export function renderChart(args: string[] = [], options: { release?: string; namespace?: string } = {}): { text: string; manifests: K8sManifest[] } {
  const run = helm(['template', options.release ?? 'aibom-webhook', CHART, '-n', options.namespace ?? 'aibom-system', ...args]);
  if (run.code !== 0) throw new Error(`helm template ${args.join(' ')}: ${run.stderr.trim()}`);
  const manifests = parseAllDocuments(run.stdout)
    .map((d) => d.toJS() as K8sManifest | null)
    .filter((m): m is K8sManifest => m !== null);
  return { text: run.stdout, manifests };
}

/** `helm template` that is expected to fail: helm's error text. */
export function renderError(args: string[]): string {
  const run = helm(['template', 'aibom-webhook', CHART, '-n', 'aibom-system', ...args]);
  if (run.code === 0) throw new Error(`helm template ${args.join(' ')} rendered, expected a refusal`);
  return run.stderr;
}

export function keyOf(m: K8sManifest): string {
  return `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
}

/** Labels helm adds for its own bookkeeping (not selectors): not part of the comparison with deploy/. */
const HELM_LABELS = ['helm.sh/chart', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version'];

/** What a render and `kubectl kustomize deploy/` must agree on: helm's own labels and the config checksum aside, config files parsed. */
export function comparable(m: K8sManifest): K8sManifest {
  const o = structuredClone(m);
  for (const k of HELM_LABELS) delete o.metadata.labels?.[k];
  const data = o.data as Record<string, unknown> | undefined;
  if (o.kind === 'ConfigMap' && typeof data?.['config.yaml'] === 'string') data['config.yaml'] = parseAllDocuments(data['config.yaml'])[0]!.toJS();
  const template = (o.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined)?.template;
  if (template?.metadata?.annotations) {
    delete template.metadata.annotations['checksum/config'];
    if (Object.keys(template.metadata.annotations).length === 0) delete template.metadata.annotations;
  }
  return o;
}

/** The toggles of docs/helm.md, each as helm arguments (helm-chart.test.ts renders each, test/e2e/helm.test.ts applies each). */
export const TOGGLES: Record<string, string[]> = {
  defaults: [],
  certManager: sets({ 'certificates.mode': 'certManager' }),
  certManagerClusterIssuer: sets({ 'certificates.mode': 'certManager', 'certificates.certManager.issuerRef.name': 'corp-ca', 'certificates.certManager.issuerRef.kind': 'ClusterIssuer' }),
  pullSecrets: sets({ 'pullSecrets.enabled': 'true', 'pullSecrets.namespaces': '{ml-a,ml-b}' }),
  monitoring: sets({ 'metrics.serviceMonitor.enabled': 'true', 'metrics.prometheusRule.enabled': 'true', 'metrics.serviceMonitor.labels.release': 'kps' }),
  noPdbNoNetpol: sets({ 'podDisruptionBudget.enabled': 'false', 'networkPolicy.enabled': 'false' }),
  enforce: sets({ 'policy.mode': 'Enforce', 'webhooks.validate.failurePolicy': 'Fail', 'webhooks.validate.timeoutSeconds': '12', 'webhooks.excludedNamespaces': '{kube-system,tenant-infra}', replicas: '3', 'image.repository': 'registry.example.com/aibom-webhook', 'image.digest': `sha256:${'a'.repeat(64)}` }),
};
