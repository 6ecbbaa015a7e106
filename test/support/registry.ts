// Test helper: the real Debian `docker-registry` (distribution 2.8) on 127.0.0.1 with a free port
// and a temp storage dir, optionally htpasswd-protected; and a tiny raw-HTTP pusher (global fetch,
// independent of our registry client) for blobs, manifests and images.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface TestRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  url: string;
  dir: string;
  /** `Basic …` header for the htpasswd variant. */
  authorization?: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startRegistry(options: { htpasswd?: { user: string; password: string } } = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'aibom-registry-'));
  const port = await freePort();
  let auth = '';
  let authorization: string | undefined;
  if (options.htpasswd) {
    const { user, password } = options.htpasswd;
    const line = execFileSync('htpasswd', ['-Bbn', user, password], { encoding: 'utf8' }).trim();
    writeFileSync(join(dir, 'htpasswd'), line + '\n');
    auth = `auth:\n  htpasswd:\n    realm: test\n    path: ${join(dir, 'htpasswd')}\n`;
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  const config = `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`;
  writeFileSync(join(dir, 'config.yml'), config);
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 8192) stderr += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.status === 200 || res.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const reg: TestRegistry = {
    host: `127.0.0.1:${port}`,
    url,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (authorization) reg.authorization = authorization;
  return reg;
}

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const EMPTY_JSON = 'application/vnd.oci.empty.v1+json';

/** Raw HTTP pushes, written against the distribution spec without our client. */
export class RawPusher {
  constructor(private readonly base: string, private readonly authorization?: string) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.authorization ? { authorization: this.authorization, ...extra } : extra;
  }

  async pushBlob(repo: string, bytes: Buffer | string): Promise<{ digest: string; size: number }> {
    const body = Buffer.from(bytes);
    const digest = sha256(body);
    const start = await fetch(`${this.base}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: this.headers() });
    if (start.status !== 202) throw new Error(`upload start ${start.status}: ${await start.text()}`);
    const location = new URL(start.headers.get('location')!, this.base);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, { method: 'PUT', headers: this.headers({ 'content-type': 'application/octet-stream' }), body });
    if (put.status !== 201) throw new Error(`upload put ${put.status}: ${await put.text()}`);
    return { digest, size: body.length };
  }

  async putManifest(repo: string, reference: string, manifest: unknown, mediaType: string): Promise<{ digest: string; size: number; bytes: Buffer }> {
    const bytes = Buffer.isBuffer(manifest) ? manifest : Buffer.from(typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
    const res = await fetch(`${this.base}/v2/${repo}/manifests/${reference}`, { method: 'PUT', headers: this.headers({ 'content-type': mediaType }), body: bytes });
    if (res.status !== 201) throw new Error(`manifest put ${res.status}: ${await res.text()}`);
    return { digest: sha256(bytes), size: bytes.length, bytes };
  }

  /** A tiny single-platform OCI image under `tag`. */
  async pushImage(repo: string, tag: string, seed = 'app'): Promise<{ digest: string; size: number }> {
    const config = await this.pushBlob(repo, JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { seed } } }));
    const layer = await this.pushBlob(repo, `layer-bytes-${seed}`);
    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
    };
    return this.putManifest(repo, tag, manifest, OCI_MANIFEST);
  }

  /** An artifact manifest holding `bom` with `subject`, pushed by digest (as oras does). */
  async pushArtifact(repo: string, subject: { digest: string; size: number; mediaType?: string }, bom: Buffer | string, options: { artifactType?: string; layerType?: string; configType?: string } = {}): Promise<{ digest: string; size: number }> {
    const empty = await this.pushBlob(repo, '{}');
    const layer = await this.pushBlob(repo, bom);
    const manifest: Record<string, unknown> = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: options.configType ? { mediaType: options.configType, ...empty } : { mediaType: EMPTY_JSON, ...empty, data: 'e30=' },
      layers: [{ mediaType: options.layerType ?? 'application/vnd.oci.image.layer.v1.tar', ...layer, annotations: { 'org.opencontainers.image.title': 'aibom.json' } }],
      subject: { mediaType: subject.mediaType ?? OCI_MANIFEST, digest: subject.digest, size: subject.size },
    };
    if (options.artifactType) manifest.artifactType = options.artifactType;
    const bytes = Buffer.from(JSON.stringify(manifest));
    return this.putManifest(repo, sha256(bytes), bytes, OCI_MANIFEST);
  }
}
