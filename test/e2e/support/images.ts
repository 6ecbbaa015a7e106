// The images of the e2e suite, pushed once per run to the cluster's two registries, with their BOMs
// attached by the tools users run: real `oras attach` (referrers API, and the tag fallback on
// docker-registry), real `cosign attest --type cyclonedx` with a key from `cosign generate-key-pair`
// and --tlog-upload=false (a Sigstore bundle referrer, and the legacy `.att` tag), the deprecated but
// still shipped `cosign attach sbom` (the `.sbom` tag), and our own `aibom attach`.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../scripts/cluster/cluster.js';
import { pushTinyImage } from '../../support/local-registry.js';
import { namespace, runOk, useE2E, type E2E } from './e2e.js';

export const BOMS = {
  model: join(repoRoot, 'examples/boms/model.cdx.json'),
  agent: join(repoRoot, 'examples/boms/agent.cdx.json'),
  mit: join(repoRoot, 'test/fixtures/enforcement/mit-model.cdx.json'),
};
export const CDX = 'application/vnd.cyclonedx+json';

export interface Images {
  /** oras attach, go-containerregistry registry (referrers API): model BOM */
  orasReferrers: string;
  /** oras attach, docker-registry (sha256-<hex> tag fallback): model BOM */
  orasFallback: string;
  /** cosign attest --type cyclonedx (Sigstore bundle referrer): agent BOM */
  cosignBundle: string;
  /** cosign attest --new-bundle-format=false (legacy .att tag), docker-registry: model BOM */
  cosignAtt: string;
  /** cosign attach sbom (legacy .sbom tag), docker-registry: model BOM */
  cosignSbom: string;
  /** aibom attach: model BOM */
  aibomAttach: string;
  /** oras attach: a model under MIT (for the licence policy) */
  mitModel: string;
  /** oras attach: agent BOM (the injected sidecar) */
  sidecar: string;
  /** oras attach: model BOM (kubectl debug's image) */
  debugTool: string;
  /** oras attach: model BOM (an image volume) */
  modelVolume: string;
  /** oras attach: model BOM (an initContainer) */
  initModel: string;
  /** no BOM at all */
  plain: string;
  /** a second plain image (image changes) */
  plain2: string;
}

let published: Promise<Images> | undefined;

export function images(e: E2E): Promise<Images> {
  published ??= publish(e);
  return published;
}

async function publish(e: E2E): Promise<Images> {
  const reg = e.state.registry;
  const fallback = e.state.fallbackRegistry;
  const work = join(e.state.stateDir, 'boms');
  mkdirSync(work, { recursive: true });
  for (const [name, file] of Object.entries(BOMS)) copyFileSync(file, join(work, `${name}.cdx.json`));
  const push = async (host: string, repo: string): Promise<string> => {
    const d = await pushTinyImage(`http://${host}`, repo, '1.0', `e2e ${host} ${repo} ${Date.now()}`);
    return `${host}/${repo}@${d.digest}`;
  };
  const tagged = (ref: string): string => ref.replace(/@sha256:[0-9a-f]+$/, ':1.0');
  const oras = (ref: string, bom: keyof typeof BOMS): Promise<string> => runOk(e, 'oras', ['attach', '--plain-http', '--artifact-type', CDX, ref, `${bom}.cdx.json:${CDX}`], { cwd: work });

  const [orasReferrers, orasFallback, cosignBundle, cosignAtt, cosignSbom, aibomAttach, mitModel, sidecar, debugTool, modelVolume, initModel, plain, plain2] = await Promise.all([
    push(reg, 'e2e/oras-model'), push(fallback, 'e2e/oras-model'), push(reg, 'e2e/cosign-agent'), push(fallback, 'e2e/cosign-att'),
    push(fallback, 'e2e/cosign-sbom'), push(reg, 'e2e/aibom-model'), push(reg, 'e2e/mit-model'), push(reg, 'e2e/sidecar'),
    push(reg, 'e2e/debug-tool'), push(reg, 'e2e/model-volume'), push(fallback, 'e2e/init-model'), push(reg, 'e2e/plain'), push(reg, 'e2e/plain2'),
  ]);
  await Promise.all([oras(orasReferrers!, 'model'), oras(orasFallback!, 'model'), oras(mitModel!, 'mit'), oras(sidecar!, 'agent'), oras(debugTool!, 'model'), oras(modelVolume!, 'model'), oras(initModel!, 'model')]);

  const cosignEnv = { COSIGN_PASSWORD: 'e2e', COSIGN_YES: 'true', TUF_ROOT: join(work, 'tuf'), SIGSTORE_NO_CACHE: 'true' };
  await runOk(e, 'cosign', ['generate-key-pair'], { cwd: work, env: cosignEnv });
  const attest = ['attest', '--key', 'cosign.key', '--type', 'cyclonedx', '--tlog-upload=false', '--use-signing-config=false', '--allow-http-registry', '--yes'];
  await runOk(e, 'cosign', [...attest, '--predicate', 'agent.cdx.json', cosignBundle!], { cwd: work, env: cosignEnv });
  await runOk(e, 'cosign', [...attest, '--new-bundle-format=false', '--predicate', 'model.cdx.json', cosignAtt!], { cwd: work, env: cosignEnv });
  await runOk(e, 'cosign', ['attach', 'sbom', '--sbom', 'model.cdx.json', '--type', 'cyclonedx', '--allow-http-registry', cosignSbom!], { cwd: work, env: cosignEnv });
  await runOk(e, process.execPath, [join(repoRoot, 'bin/aibom.js'), 'attach', tagged(aibomAttach!), 'model.cdx.json', '--insecure-registry', reg], { cwd: work });

  return {
    orasReferrers: tagged(orasReferrers!), orasFallback: tagged(orasFallback!), cosignBundle: tagged(cosignBundle!), cosignAtt: tagged(cosignAtt!),
    cosignSbom: tagged(cosignSbom!), aibomAttach: tagged(aibomAttach!), mitModel: tagged(mitModel!), sidecar: tagged(sidecar!),
    debugTool: tagged(debugTool!), modelVolume: tagged(modelVolume!), initModel: tagged(initModel!), plain: tagged(plain!), plain2: tagged(plain2!),
  };
}

/** The digest form of a `host/repo:1.0` image (as the registry resolves it). */
export function repoOf(image: string): string {
  return image.replace(/:1\.0$/, '');
}

export interface Suite {
  e: E2E;
  img: Images;
  /** The suite's own namespace ('' when it asked for none). */
  ns: string;
}

/**
 * The usual start of an e2e describe(): the shared cluster, the published images and, when `prefix` is
 * given, a namespace of the suite's own. The fields are set before the suite's first test.
 */
export function useSuite(prefix?: string, labels: Record<string, string> = {}): Suite {
  const cluster = useE2E();
  const suite = { ns: '' } as Suite;
  before(async function () {
    this.timeout(300_000);
    suite.e = cluster();
    suite.img = await images(suite.e);
    if (prefix) suite.ns = await namespace(suite.e, prefix, labels);
  });
  return suite;
}
