// The real `aibom serve` (src/cli/run.ts, or its compiled form) as a child process, configured
// through flags and AIBOM_* environment variables like a deployment, stopped with SIGTERM. Its CPU
// time and RSS are read from /proc (Linux), its deadline misses from its own /metrics. Used by the
// benchmark (bench/run.ts) and the hostile-world suite.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** CPU time, memory and deadline misses of a server process. */
export interface ServerStats {
  cpuUserMs: number;
  cpuSystemMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  deadlineMisses: number;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The TypeScript entry (run through tsx). */
export const SOURCE_ENTRY = 'src/cli/run.ts';
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export interface ServeProcess {
  child: ChildProcess;
  port: number;
  adminPort: number;
  stats(): Promise<ServerStats>;
  stop(): Promise<number | null>;
}

export interface ServeOptions {
  /** The CLI entry: compiled `…/src/cli/run.js` (plain node) or `src/cli/run.ts` (through tsx). */
  entry: string;
  certFile: string;
  keyFile: string;
  insecureRegistries: string[];
  nodeFlags?: string[];
  logLevel?: string;
  /** More AIBOM_* settings (they win over the defaults set here). */
  env?: Record<string, string>;
  /** More `aibom serve` flags (e.g. `--key FILE`). */
  args?: string[];
  /** Environment variables to remove (e.g. AIBOM_SERVER_ADMIN_HOST, to run with the default). */
  unsetEnv?: string[];
  /** Gets every log line (stderr) when given; otherwise the logs go to /dev/null. */
  onLogLine?: (line: string) => void;
}

/** CPU (user, system) and RSS of a process, from /proc/<pid>/stat and /proc/<pid>/status. */
export function procStats(pid: number): Omit<ServerStats, 'deadlineMisses'> {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 1000 / TICKS_PER_SECOND;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuUserMs: Number(fields[11]) * tick, cpuSystemMs: Number(fields[12]) * tick, rssBytes: rssKb * 1024, heapUsedBytes: 0 };
}

export async function startServe(options: ServeOptions): Promise<ServeProcess> {
  const args = [...(options.entry.endsWith('.ts') ? ['--import', 'tsx'] : []), ...(options.nodeFlags ?? []), options.entry, 'serve', '--tls-cert', options.certFile, '--tls-key', options.keyFile, '--port', '0', '--admin-port', '0'];
  for (const host of options.insecureRegistries) args.push('--insecure-registry', host);
  args.push(...(options.args ?? []));
  const env: Record<string, string | undefined> = { ...process.env, AIBOM_SERVER_HOST: '127.0.0.1', AIBOM_SERVER_ADMIN_HOST: '127.0.0.1', AIBOM_SERVER_SHUTDOWN_DELAY_SECONDS: '0', AIBOM_DISCOVERY_SOURCES: 'registry', AIBOM_LOG_LEVEL: options.logLevel ?? 'info', ...options.env };
  for (const name of options.unsetEnv ?? []) delete env[name];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    // Without onLogLine the logs (one JSON line per admission at info) go to /dev/null: written, not kept.
    stdio: ['ignore', 'pipe', options.onLogLine ? 'pipe' : 'ignore'],
  });
  if (options.onLogLine) {
    const onLine = options.onLogLine;
    let partial = '';
    child.stderr!.on('data', (c: Buffer) => {
      const lines = (partial + c.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
  }
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    if (out.length < 65536) out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const { port, adminPort } = await new Promise<{ port: number; adminPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`aibom serve did not start:\n${out}`)), 60_000);
    const onData = (): void => {
      const m = /webhook https:\/\/127\.0\.0\.1:(\d+).*admin http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({ port: Number(m[1]), adminPort: Number(m[2]) });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`aibom serve exited with ${code}:\n${out}`)));
  });
  return {
    child,
    port,
    adminPort,
    async stats() {
      const res = await fetch(`http://127.0.0.1:${adminPort}/metrics`);
      const text = await res.text();
      let misses = 0;
      for (const line of text.split('\n')) if (line.startsWith('aibom_admission_deadline_misses_total')) misses += Number(line.split(' ').pop());
      return { ...procStats(child.pid!), deadlineMisses: misses };
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
