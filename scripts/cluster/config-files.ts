// The files the local cluster's components read that the harness writes: the apiserver's audit
// policy and the webhook's configuration (production's aibom-config with local paths).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, parseAllDocuments, stringify as toYaml } from 'yaml';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function auditPolicy(): string {
  // Metadata level carries the webhooks' auditAnnotations, the decisions and the user; reads and the
  // controllers' heartbeat writes are left out to keep the log small.
  return toYaml({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'None', verbs: ['get', 'list', 'watch'] },
      { level: 'None', resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }, { group: '', resources: ['events', 'endpoints'] }, { group: 'events.k8s.io', resources: ['events'] }] },
      { level: 'None', nonResourceURLs: ['/*'] },
      { level: 'Metadata' },
    ],
  });
}

/** aibom-config's config.yaml from deploy/config.yaml, with the local policy dir and `extra` merged in. */
export function webhookConfigFile(policiesDir: string, extra: Record<string, unknown> = {}): string {
  const docs = parseAllDocuments(readFileSync(join(repoRoot, 'deploy/config.yaml'), 'utf8')).map((d) => d.toJS() as { metadata?: { name?: string }; data?: Record<string, string> });
  const cm = docs.find((d) => d.metadata?.name === 'aibom-config');
  const config = parseYaml(cm?.data?.['config.yaml'] ?? '{}') as Record<string, Record<string, unknown>>;
  config.policies = { ...(config.policies ?? {}), dir: policiesDir };
  // Ports come from flags; the webhook runs as a process on loopback, not behind a Service.
  if (config.server) {
    delete config.server.port;
    delete config.server.adminPort;
  }
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    for (const [k, v] of Object.entries(b)) {
      a[k] = v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object' ? merge(a[k] as Record<string, unknown>, v as Record<string, unknown>) : v;
    }
    return a;
  };
  return toYaml(merge(config, extra));
}

export function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(entry.parentPath ?? dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}
