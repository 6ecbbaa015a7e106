// Builds the demo's OCI image layout: tiny fake images with the project's sample BOMs
// (examples/layout/boms/) attached as referrers through `subject`, the way `oras attach` does.
// Deterministic: the same inputs give byte-identical output. Run: node --import tsx scripts/build-demo-layout.ts [DIR]
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OciLayoutWriter } from './lib/oci-layout-writer.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_REGISTRY = 'registry.aibom.example';
export const CYCLONEDX_JSON = 'application/vnd.cyclonedx+json';

export interface DemoLayout {
  dir: string;
  images: {
    /** Multi-arch index; the ML-BOM hangs off the index. */
    sentiment: { ref: string; digest: string };
    /** The agent image; its BOM shows an application depending on two models. */
    agent: { ref: string; digest: string };
    /** A plain web image with a non-AI SBOM. */
    frontend: { ref: string; digest: string };
  };
}

function bom(name: string): string {
  return readFileSync(join(root, 'examples', 'layout', 'boms', `${name}.cdx.json`), 'utf8');
}

export function buildDemoLayout(dir: string): DemoLayout {
  rmSync(dir, { recursive: true, force: true });
  const w = new OciLayoutWriter(dir);

  const sentimentRef = `${DEMO_REGISTRY}/demo/sentiment-server:1.0`;
  const sentiment = w.index([
    w.image('sentiment-server', { os: 'linux', architecture: 'amd64' }),
    w.image('sentiment-server', { os: 'linux', architecture: 'arm64' }),
  ]);
  w.list(sentiment, sentimentRef);
  w.list(w.attach(sentiment, CYCLONEDX_JSON, { bytes: bom('sentiment-model'), mediaType: CYCLONEDX_JSON, title: 'aibom.cdx.json' }));

  const agentRef = `${DEMO_REGISTRY}/demo/support-agent:2.1`;
  const agent = w.image('support-agent');
  w.list(agent, agentRef);
  // Attached with the generic layer type, as `oras attach` does by default: the artifactType tells.
  w.list(w.attach(agent, CYCLONEDX_JSON, { bytes: bom('support-agent'), mediaType: 'application/vnd.oci.image.layer.v1.tar', title: 'aibom.cdx.json' }));

  const frontendRef = `${DEMO_REGISTRY}/demo/web-frontend:3.4`;
  const frontend = w.image('web-frontend');
  w.list(frontend, frontendRef);
  w.list(w.attach(frontend, CYCLONEDX_JSON, { bytes: bom('web-frontend'), mediaType: CYCLONEDX_JSON, title: 'sbom.cdx.json' }));

  w.finish();
  return {
    dir,
    images: {
      sentiment: { ref: sentimentRef, digest: sentiment.digest },
      agent: { ref: agentRef, digest: agent.digest },
      frontend: { ref: frontendRef, digest: frontend.digest },
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? join(root, '.demo', 'layout'));
  const layout = buildDemoLayout(out);
  process.stdout.write(`wrote OCI layout ${layout.dir}\n`);
  for (const [key, image] of Object.entries(layout.images)) process.stdout.write(`  ${key.padEnd(10)} ${image.ref}@${image.digest}\n`);
}
