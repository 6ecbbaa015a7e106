// Model-file fixtures written by the real Python libraries (scripts/python/make_fixtures.py) in the
// virtualenv of scripts/setup/python-venv.sh, generated once per generator version into a cache
// outside the checkout: ~/.cache/aibom-webhook/model-fixtures-<hash of the generator and its pins>/.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const INPUTS = ['scripts/python/make_fixtures.py', 'scripts/python/own_writers.py', 'scripts/python/requirements-fixtures.txt'];

export interface FixtureEntry {
  path: string;
  format: string | null;
  writer: string;
  size: number;
  expect: Record<string, unknown> & { unsafe?: boolean; dangerous?: string; variant?: string };
}

let cached: { dir: string; manifest: FixtureEntry[] } | undefined;

/** The fixtures directory and its manifest; generates them on first use (a few seconds). */
export function modelFixtures(): { dir: string; manifest: FixtureEntry[] } {
  if (cached) return cached;
  const hash = createHash('sha256');
  for (const f of INPUTS) hash.update(readFileSync(path.join(ROOT, f)));
  const cache = process.env['AIBOM_TOOLS_CACHE'] ?? path.join(homedir(), '.cache', 'aibom-webhook');
  const dir = path.join(cache, `model-fixtures-${hash.digest('hex').slice(0, 12)}`);
  if (!existsSync(path.join(dir, '.complete'))) {
    let python: string;
    try {
      python = execFileSync(path.join(ROOT, 'scripts/setup/python-venv.sh'), ['--print'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (err) {
      const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim().split('\n').pop();
      throw new Error(`model fixtures need the Python venv: ${stderr || 'scripts/setup/python-venv.sh failed'} (run scripts/setup/python-venv.sh)`);
    }
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    execFileSync(python, [path.join(ROOT, 'scripts/python/make_fixtures.py'), tmp], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PYTHONHASHSEED: '0' } });
    writeFileSync(path.join(tmp, '.complete'), '');
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  cached = { dir, manifest: JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as FixtureEntry[] };
  return cached;
}
