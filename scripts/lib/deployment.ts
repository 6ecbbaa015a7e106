// Facts of the shipped Deployment (deploy/deployment.yaml) that local runs of the webhook reuse, so
// they run it as production does.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const deploymentFile = fileURLToPath(new URL('../../deploy/deployment.yaml', import.meta.url));

/** NODE_OPTIONS of the webhook container ('' when none). */
export function deploymentNodeOptions(): string {
  const docs = parseAllDocuments(readFileSync(deploymentFile, 'utf8')).map((d) => d.toJS() as { kind?: string; spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } });
  const env = docs.find((d) => d?.kind === 'Deployment')?.spec?.template?.spec?.containers?.[0]?.env ?? [];
  return env.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
}
