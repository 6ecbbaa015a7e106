// The compiled CLI, as users run it (dist/cli/run.js): rebuilt with scripts/build.sh --skip-install
// when it is missing or older than any file under src/, so a bench never measures stale code or the
// TypeScript loader.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newestUnder(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestUnder(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function compiledCli(root: string): string {
  const cli = path.join(root, 'dist/cli/run.js');
  if (!existsSync(cli) || statSync(cli).mtimeMs < newestUnder(path.join(root, 'src'))) {
    process.stderr.write('bench: building dist/ (scripts/build.sh --skip-install)\n');
    execFileSync(path.join(root, 'scripts/build.sh'), ['--skip-install'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return cli;
}
