// `aibom scan` throughput, measured in one run against the bare ceilings on the same machine:
//   hashing:     scanning a directory of model files (hash + detect) vs `sha256sum` on the same bytes
//   memory:      max RSS of the scan (a multi-GB sparse file included), via /usr/bin/time
//   header-only: files/s of `aibom scan --no-hash` over a directory of small model files
// Writes bench/results/scan-throughput.json. Usage: node --import tsx bench/scan-throughput.ts [--mib 512] [--sparse-gib 4] [--files 5000]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MIB = arg('mib', 512);
const SPARSE_GIB = arg('sparse-gib', 4);
const FILES = arg('files', 5000);
const root = path.resolve(import.meta.dirname, '..');
// The CLI as users run it: bin/aibom.js on the compiled dist/ (built first, as the Dockerfile does).
// Under tsx the TypeScript compiler would sit in the same process and count in its RSS and start-up.
execFileSync(path.join(root, 'scripts/build.sh'), ['--skip-install'], { stdio: ['ignore', 'ignore', 'inherit'] });
const cli = [path.join(root, 'bin/aibom.js')];

function safetensorsHeader(bytes: number): Buffer {
  const json = JSON.stringify({ __metadata__: { format: 'pt' }, w: { dtype: 'U8', shape: [bytes], data_offsets: [0, bytes] } });
  const pad = (8 - (json.length % 8)) % 8;
  const h = Buffer.alloc(8 + json.length + pad, 0x20);
  h.writeBigUInt64LE(BigInt(json.length + pad), 0);
  h.write(json, 8);
  return h;
}

function writeModel(file: string, dataBytes: number, sparse: boolean): void {
  const header = safetensorsHeader(dataBytes);
  const fd = openSync(file, 'w');
  writeSync(fd, header);
  if (sparse) ftruncateSync(fd, header.length + dataBytes);
  else {
    const chunk = randomBytes(4 * 1024 * 1024);
    for (let left = dataBytes; left > 0; left -= chunk.length) writeSync(fd, left >= chunk.length ? chunk : chunk.subarray(0, left));
  }
  closeSync(fd);
}

const BARE_HEADER_READS = `
import { open, readdir } from 'node:fs/promises';
const dir = process.argv[1];
const names = await readdir(dir);
let next = 0;
await Promise.all(Array.from({ length: 16 }, async () => {
  const buf = new Uint8Array(4096);
  while (next < names.length) {
    const fh = await open(dir + '/' + names[next++], 'r');
    await fh.read(buf, 0, buf.length, 0);
    await fh.close();
  }
}));`;

function timed(cmd: string, args: string[]): { seconds: number; maxRssKiB: number; stdout: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} failed: ${r.stderr.slice(-500)}`);
  const [secs, rss] = r.stderr.trim().split('\n').pop()!.split(' ');
  return { seconds: Number(secs), maxRssKiB: Number(rss), stdout: r.stdout };
}

const work = mkdtempSync(path.join(tmpdir(), 'aibom-scan-bench-'));
try {
  const models = path.join(work, 'models');
  mkdirSync(models);
  const perFile = 64 * 1024 * 1024;
  for (let i = 0; i * perFile < MIB * 1024 * 1024; i++) writeModel(path.join(models, `model-${String(i).padStart(5, '0')}.safetensors`), perFile, false);
  const sparseDir = path.join(work, 'sparse');
  mkdirSync(sparseDir);
  writeModel(path.join(sparseDir, 'huge.safetensors'), SPARSE_GIB * 1024 ** 3, true);
  const small = path.join(work, 'small');
  mkdirSync(small);
  for (let i = 0; i < FILES; i++) writeFileSync(path.join(small, `m${i}.safetensors`), Buffer.concat([safetensorsHeader(16), Buffer.alloc(16)]));
  const files = (dir: string): string[] => execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n');
  // Warm the page cache once so both sides read from memory.
  execFileSync('cat', files(models), { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 });
  const ceiling = timed('sha256sum', files(models));
  const scan = timed('node', [...cli, 'scan', models, '--json', '--no-progress']);
  const scanned = JSON.parse(scan.stdout) as { models: unknown[] };
  const sparseCeiling = timed('sha256sum', files(sparseDir));
  const sparseScan = timed('node', [...cli, 'scan', sparseDir, '--json', '--no-progress']);
  const headerOnly = timed('node', [...cli, 'scan', small, '--no-hash', '--json', '--no-progress']);
  const empty = path.join(work, 'empty');
  mkdirSync(empty);
  const nodeBaseline = timed('node', [...cli, 'scan', empty, '--no-hash', '--json', '--no-progress']);
  const headerSeconds = Math.max(0.001, headerOnly.seconds - nodeBaseline.seconds);
  // The bare ceiling for header-only: a Node process that only opens, reads the first 4 KiB of and
  // closes each file, 16 at a time (what a scan must do at least), measured the same way.
  const bare = timed('node', ['--input-type=module', '-e', BARE_HEADER_READS, small]);
  const bareEmpty = timed('node', ['--input-type=module', '-e', BARE_HEADER_READS, empty]);
  const bareSeconds = Math.max(0.001, bare.seconds - bareEmpty.seconds);
  const result = {
    when: new Date().toISOString(),
    machine: { cores: (await import('node:os')).cpus().length, node: process.version, loadAverage1m: +((await import('node:os')).loadavg()[0] ?? 0).toFixed(2) },
    cli: 'bin/aibom.js (dist/)',
    hashing: { bytes: MIB * 1024 * 1024, models: scanned.models.length, sha256sumSeconds: ceiling.seconds, scanSeconds: scan.seconds, ratioVsSha256sum: +(ceiling.seconds / scan.seconds).toFixed(3), target: '>= 0.8' },
    sparse: { bytes: SPARSE_GIB * 1024 ** 3, sha256sumSeconds: sparseCeiling.seconds, scanSeconds: sparseScan.seconds, ratioVsSha256sum: +(sparseCeiling.seconds / sparseScan.seconds).toFixed(3), scanMaxRssMiB: +(sparseScan.maxRssKiB / 1024).toFixed(1), target: 'RSS <= 120 MB' },
    memory: { scanMaxRssMiB: +(scan.maxRssKiB / 1024).toFixed(1), sha256sumMaxRssMiB: +(ceiling.maxRssKiB / 1024).toFixed(1) },
    headerOnly: {
      files: FILES, seconds: headerOnly.seconds, processStartSeconds: nodeBaseline.seconds, filesPerSecond: Math.round(FILES / headerSeconds), filesPerSecondIncludingStart: Math.round(FILES / headerOnly.seconds),
      bareReadFilesPerSecond: Math.round(FILES / bareSeconds), ratioVsBareReads: +(bareSeconds / headerSeconds).toFixed(3), target: '>= 5000 files/s',
    },
  };
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, 'bench/results/scan-throughput.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
