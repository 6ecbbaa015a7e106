// The one test helper for the real Debian registry (`docker-registry`, distribution 2.8) on 127.0.0.1
// at a free port with a temporary storage directory, optionally htpasswd-protected; plus raw-HTTP
// pushers for blobs, manifests and a tiny image, written against the distribution spec ("Pushing
// blobs" POST + PUT ?digest=, "Pushing manifests") with global fetch, independent of our registry client.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireExecutable } from '../../scripts/lib/missing-component.js';
import type { Descriptor } from '../../src/contracts/oci-manifest.js';
import { MT } from '../../src/contracts/oci-manifest.js';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

/** The gzip layer media type of a runnable image (src/contracts/oci-manifest.ts `MT` has only the plain tar one). */
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

export interface LocalRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  url: string;
  /** `Basic …` header for the htpasswd variant. */
  authorization?: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Protect the registry with htpasswd (bcrypt) basic auth. */
  htpasswd?: { user: string; password: string };
  binary?: string;
}

/**
 * Where the pushers send: a base URL, or a registry (or anything with `url`) whose
 * `authorization` header, if any, goes with every request.
 */
export type PushTarget = string | { url: string; authorization?: string };

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * The tag a referrers index of `digest` goes under without the referrers API, and the stem of
 * cosign's `.sbom`/`.att` tags: `sha256:<hex>` → `sha256-<hex>` (distribution spec "Referrers tag
 * schema"). Written here from the spec, not taken from src, so the tests can catch src getting it wrong.
 */
export function referrersTagOf(digest: string): string {
  return digest.replace(':', '-');
}

/** The docker-registry configuration (TOOLCHAIN.md's minimal one): quiet, deletes on, `extra` lines added. */
export function dockerRegistryConfig(host: string, dataDir: string, extra: string[] = []): string {
  return [
    'version: 0.1',
    'log: { level: error, accesslog: { disabled: true } }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(dataDir)} }, delete: { enabled: true } }`,
    `http: { addr: ${JSON.stringify(host)} }`,
    ...extra,
    '',
  ].join('\n');
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, deadlineMs: number): Promise<boolean> {
  const until = performance.now() + deadlineMs;
  while (performance.now() < until) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      // 401: up, but htpasswd-protected.
      if (res.status === 200 || res.status === 401) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/** Starts `docker-registry serve` on a free loopback port (retries if the port was taken meanwhile). */
export async function startLocalRegistry(options: RegistryOptions = {}): Promise<LocalRegistry> {
  const binary = requireExecutable(options.binary ?? REGISTRY_BIN, 'docker-registry (Debian)', 'npm run test:setup (or: apt-get install docker-registry)');
  if (options.htpasswd) requireExecutable('/usr/bin/htpasswd', 'htpasswd', 'npm run test:setup (or: apt-get install apache2-utils)');
  const dir = await mkdtemp(path.join(tmpdir(), 'aibom-registry-'));
  const auth: string[] = [];
  let authorization: string | undefined;
  if (options.htpasswd) {
    const { user, password } = options.htpasswd;
    const file = path.join(dir, 'htpasswd');
    await writeFile(file, execFileSync('htpasswd', ['-Bbn', user, password], { encoding: 'utf8' }).trim() + '\n');
    auth.push(`auth: { htpasswd: { realm: test, path: ${JSON.stringify(file)} } }`);
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const config = path.join(dir, 'config.yml');
    await writeFile(config, dockerRegistryConfig(host, path.join(dir, 'data'), auth));
    const child = spawn(binary, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    // A spawn failure (e.g. not executable after all) is reported as its exit, not as an unhandled error.
    child.once('error', (err) => {
      stderr += String(err);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const url = `http://${host}`;
    if (await waitReady(url, child, 10_000)) {
      const registry: LocalRegistry = {
        host,
        url,
        stop: async () => {
          if (child.exitCode === null) {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGTERM');
            await exited;
          }
          await rm(dir, { recursive: true, force: true });
        },
      };
      if (authorization) registry.authorization = authorization;
      return registry;
    }
    if (child.exitCode === null) child.kill('SIGKILL');
    lastError = stderr;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`docker-registry did not start: ${lastError}`);
}

function endpoint(target: PushTarget): { url: string; headers(extra?: Record<string, string>): Record<string, string> } {
  const { url, authorization } = typeof target === 'string' ? { url: target, authorization: undefined } : target;
  return { url, headers: (extra = {}) => (authorization ? { authorization, ...extra } : extra) };
}

async function expectStatus(res: Response, want: number, what: string): Promise<void> {
  if (res.status !== want) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
}

/** Uploads a blob (monolithic: POST an upload, PUT its location with ?digest=). */
export async function pushBlob(target: PushTarget, repository: string, bytes: Uint8Array | string): Promise<{ digest: string; size: number }> {
  const { url, headers } = endpoint(target);
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const digest = sha256(body);
  const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: headers() });
  await expectStatus(start, 202, `start upload to ${repository}`);
  await start.arrayBuffer();
  const location = new URL(start.headers.get('location') ?? '', url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body, headers: headers({ 'content-type': 'application/octet-stream' }) });
  await expectStatus(put, 201, `upload ${digest}`);
  await put.arrayBuffer();
  return { digest, size: body.length };
}

/** PUTs a manifest (object serialised once; its digest is of those exact bytes) under a tag, or by digest. */
export async function pushManifest(target: PushTarget, repository: string, reference: string | undefined, manifest: object, mediaType: string): Promise<Descriptor> {
  const { url, headers } = endpoint(target);
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = sha256(bytes);
  const res = await fetch(`${url}/v2/${repository}/manifests/${reference ?? digest}`, { method: 'PUT', body: bytes, headers: headers({ 'content-type': mediaType }) });
  await expectStatus(res, 201, `push manifest ${repository}:${reference ?? digest}`);
  await res.arrayBuffer();
  return { mediaType, digest, size: bytes.length };
}

/** The config blob of a tiny linux/amd64 image; `seed` makes it (and so the image digest) unique. */
export function imageConfig(layerDigest: string, seed: string): string {
  return JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layerDigest] }, config: { Labels: { seed } } });
}

/** A one-layer OCI image manifest of those blobs. */
export function imageManifest(config: { digest: string; size: number }, layer: { digest: string; size: number }): object {
  return {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: { mediaType: MT.ociConfig, ...config },
    layers: [{ mediaType: OCI_LAYER_GZIP, ...layer }],
  };
}

/** A one-layer OCI image manifest, pushed under `tag` (or by digest when `tag` is undefined). */
export async function pushImageManifest(target: PushTarget, repository: string, tag: string | undefined, config: { digest: string; size: number }, layer: { digest: string; size: number }): Promise<Descriptor> {
  return pushManifest(target, repository, tag, imageManifest(config, layer), MT.ociManifest);
}

/** A one-layer OCI image; `seed` makes its digest unique. */
export async function pushTinyImage(target: PushTarget, repository: string, tag: string, seed = tag): Promise<Descriptor> {
  const layer = await pushBlob(target, repository, `layer ${seed}`);
  const config = await pushBlob(target, repository, imageConfig(layer.digest, seed));
  return pushImageManifest(target, repository, tag, config, layer);
}
