// `oras push` of a model artifact shape (test/support/model-artifacts.ts) with the real oras CLI:
// the config as `--config FILE:TYPE`, each layer as `FILE:TYPE`, `--artifact-type` when the family
// sets one. oras writes the OCI manifest itself (and the `org.opencontainers.image.title` of each
// layer from its file name); we only choose the media types, as the families' tools do.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { toolDir } from './signing-tools.js';
import type { ArtifactShape } from './model-artifacts.js';

const run = promisify(execFile);

export interface OrasPushed {
  digest: string;
  /** The manifest oras wrote, as it wrote it. */
  manifest: { artifactType?: string; config: { mediaType: string; digest: string; size: number }; layers: { mediaType: string; annotations?: Record<string, string> }[] };
}

export async function orasPush(ref: string, shape: ArtifactShape, fileNames: string[] = [], configText = JSON.stringify(shape.config)): Promise<OrasPushed> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aibom-oras-push-'));
  try {
    await writeFile(path.join(dir, 'config.json'), configText);
    const files: string[] = [];
    for (const [i, l] of shape.layers.entries()) {
      const name = fileNames[i] ?? `layer-${i}.bin`;
      await writeFile(path.join(dir, name), l.content);
      files.push(`${name}:${l.mediaType}`);
    }
    const args = ['push', '--plain-http', '--format', 'json', '--config', `config.json:${shape.configMediaType}`];
    if (shape.artifactType) args.push('--artifact-type', shape.artifactType);
    args.push(ref, ...files);
    const oras = path.join(toolDir('oras'), 'oras');
    let stdout: string;
    try {
      ({ stdout } = await run(oras, args, { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, timeout: 60_000 }));
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`oras ${args.join(' ')}: ${(e.stderr ?? e.message).trim().split('\n').slice(-5).join(' | ')}`);
    }
    const pushed = JSON.parse(stdout) as { digest?: string };
    if (!pushed.digest) throw new Error(`oras push printed no digest: ${stdout}`);
    const { stdout: manifest } = await run(oras, ['manifest', 'fetch', '--plain-http', `${ref.replace(/:[^:/]+$/, '')}@${pushed.digest}`], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, timeout: 60_000 });
    return { digest: pushed.digest, manifest: JSON.parse(manifest) as OrasPushed['manifest'] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
