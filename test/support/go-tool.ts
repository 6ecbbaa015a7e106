// The Go-built tools the ecosystem tests run (helm, promtool): their binaries, built once by
// scripts/tools/ensure.sh from the Go module proxy into the cache outside the checkout (a cold build
// takes many minutes; docs/local-cluster.md has the measured times), and a runner that never throws.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const dirs = new Map<string, string>();

export type EcosystemTool = 'helm' | 'promtool';

/** The binary of a Go-built tool (built first when missing). */
export function goToolBin(tool: EcosystemTool): string {
  let dir = dirs.get(tool);
  if (!dir) {
    dir = execFileSync(path.join(repoRoot, 'scripts/tools/ensure.sh'), ['--path', tool], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    dirs.set(tool, dir);
  }
  return path.join(dir, tool);
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the tool with a clean HOME-less environment (helm's caches under `home`) and returns what it said. */
export function runGoTool(tool: EcosystemTool, args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): ToolRun {
  const r = spawnSync(goToolBin(tool), args, { cwd: options.cwd ?? repoRoot, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env }, encoding: 'utf8', input: options.input, timeout: 120_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? r.error.message : '') };
}
