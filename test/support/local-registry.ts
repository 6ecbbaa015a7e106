// The real Debian registry (distribution 2.8) on 127.0.0.1 at a free port, with a temporary storage
// directory, plus raw-HTTP helpers to push blobs, manifests and a tiny image (distribution spec
// "Pushing blobs" POST + PUT ?digest=, "Pushing manifests").
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

export interface LocalRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  url: string;
  stop(): Promise<void>;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function freePort(): Promise<number> {
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
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/** Starts `/usr/bin/docker-registry serve` on a free loopback port (retries if the port was taken). */
export async function startLocalRegistry(binary = '/usr/bin/docker-registry'): Promise<LocalRegistry> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aibom-registry-'));
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const config = path.join(dir, 'config.yml');
    await writeFile(config, [
      'version: 0.1',
      'log: { level: error, accesslog: { disabled: true } }',
      `storage: { filesystem: { rootdirectory: ${JSON.stringify(path.join(dir, 'data'))} }, delete: { enabled: true } }`,
      `http: { addr: ${JSON.stringify(host)} }`,
      '',
    ].join('\n'));
    const child = spawn(binary, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const url = `http://${host}`;
    if (await waitReady(url, child, 10_000)) {
      return {
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
    }
    if (child.exitCode === null) child.kill('SIGKILL');
    lastError = stderr;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`docker-registry did not start: ${lastError}`);
}

async function expectStatus(res: Response, want: number, what: string): Promise<void> {
  if (res.status !== want) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
}

/** Uploads a blob (monolithic: POST an upload, PUT its location with ?digest=). */
export async function pushBlob(baseUrl: string, repository: string, bytes: Uint8Array | string): Promise<{ digest: string; size: number }> {
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const digest = sha256(body);
  const start = await fetch(`${baseUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  await expectStatus(start, 202, `start upload to ${repository}`);
  await start.arrayBuffer();
  const location = new URL(start.headers.get('location') ?? '', baseUrl);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } });
  await expectStatus(put, 201, `upload ${digest}`);
  await put.arrayBuffer();
  return { digest, size: body.length };
}

/** PUTs a manifest (object serialised once; its digest is of those exact bytes) under a tag or digest. */
export async function pushManifest(baseUrl: string, repository: string, reference: string | undefined, manifest: object, mediaType: string): Promise<Descriptor> {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = sha256(bytes);
  const res = await fetch(`${baseUrl}/v2/${repository}/manifests/${reference ?? digest}`, { method: 'PUT', body: bytes, headers: { 'content-type': mediaType } });
  await expectStatus(res, 201, `push manifest ${repository}:${reference ?? digest}`);
  await res.arrayBuffer();
  return { mediaType, digest, size: bytes.length };
}

/** A one-layer OCI image; `seed` makes its digest unique. */
export async function pushTinyImage(baseUrl: string, repository: string, tag: string, seed = tag): Promise<Descriptor> {
  const layer = await pushBlob(baseUrl, repository, `layer ${seed}`);
  const config = await pushBlob(baseUrl, repository, JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.digest] }, config: { Labels: { seed } } }));
  return pushManifest(baseUrl, repository, tag, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, ...config },
    layers: [{ mediaType: OCI_LAYER, ...layer }],
  }, OCI_MANIFEST);
}

/**
 * Attaches a BOM to `subject` as an OCI artifact with `subject`, and publishes the referrers index
 * under the `sha256-<hex>` tag (distribution spec "Referrers tag schema") — what clients do against
 * a registry without the referrers API, like this one.
 */
export async function attachWithTagSchema(baseUrl: string, repository: string, subject: Descriptor, bom: string, artifactType: string): Promise<Descriptor> {
  const empty = await pushBlob(baseUrl, repository, '{}');
  const layer = await pushBlob(baseUrl, repository, bom);
  const artifact = await pushManifest(baseUrl, repository, undefined, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType,
    config: { mediaType: OCI_EMPTY, ...empty },
    layers: [{ mediaType: artifactType, ...layer }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  }, OCI_MANIFEST);
  await pushManifest(baseUrl, repository, subject.digest.replace(':', '-'), {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [{ ...artifact, artifactType }],
  }, OCI_INDEX);
  return { ...artifact, artifactType };
}
