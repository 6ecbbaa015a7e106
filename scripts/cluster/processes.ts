// The processes of the local cluster: each started with its output in <state>/logs/<name>.log and
// recorded in <state>/pids/<name>.json with its pid and its kernel start time, so that whoever stops
// it later (this process, or `npm run cluster:down` from another) stops exactly that process and
// never a stranger that reused the pid.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessRecord {
  name: string;
  pid: number;
  /** /proc/<pid>/stat field 22 (clock ticks since boot), to tell this process from a later one with its pid. */
  startTime: string;
  log: string;
  command: string;
  /** Epoch ms at start: the order to stop in (last started first). */
  startedAt: number;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Own process group, unref'd: outlives this process (npm run cluster:up). */
  detached: boolean;
}

function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True while the recorded process (same pid, same start time) is alive and not a zombie. */
export function isRunning(record: ProcessRecord): boolean {
  try {
    const stat = readFileSync(`/proc/${record.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] === record.startTime && fields[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The last `lines` lines of a log file from byte `fromByte` (at most its last 256 KiB) ('' when it does not exist). */
export function tail(file: string, lines = 40, fromByte = 0): string {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  const start = Math.max(fromByte, size - 256 * 1024);
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    return buf.toString('utf8').split('\n').slice(-lines - 1).join('\n');
  } finally {
    closeSync(fd);
  }
}

export class ProcessGroup {
  readonly logDir: string;
  readonly pidDir: string;
  private readonly records: ProcessRecord[] = [];

  constructor(readonly stateDir: string) {
    this.logDir = join(stateDir, 'logs');
    this.pidDir = join(stateDir, 'pids');
    mkdirSync(this.logDir, { recursive: true });
    mkdirSync(this.pidDir, { recursive: true });
  }

  /** The records this group started, in start order. */
  get started(): readonly ProcessRecord[] {
    return this.records;
  }

  start(name: string, command: string, args: string[], options: StartOptions): ProcessRecord {
    const log = join(this.logDir, `${name}.log`);
    const fd = openSync(log, 'a');
    const child = spawn(command, args, { cwd: options.cwd ?? this.stateDir, env: options.env ?? process.env, stdio: ['ignore', fd, fd], detached: options.detached });
    closeSync(fd);
    child.once('error', (err) => writeFileSync(log, `\n[harness] could not start ${command}: ${err.message}\n`, { flag: 'a' }));
    if (options.detached) child.unref();
    if (child.pid === undefined) throw new Error(`${name}: could not start ${command} (see ${log})`);
    const record: ProcessRecord = { name, pid: child.pid, startTime: startTimeOf(child.pid) ?? '', log, command: [command, ...args].join(' '), startedAt: Date.now() };
    writeFileSync(join(this.pidDir, `${name}.json`), JSON.stringify(record) + '\n');
    this.records.push(record);
    return record;
  }

  /** Stops one process started by this group and forgets it. */
  async stop(name: string): Promise<void> {
    const i = this.records.findIndex((r) => r.name === name);
    if (i < 0) return;
    const [record] = this.records.splice(i, 1);
    await stopRecord(record!);
    rmSync(join(this.pidDir, `${name}.json`), { force: true });
  }

  /** Stops everything this group started, last started first. */
  async stopAll(): Promise<void> {
    for (const r of [...this.records].reverse()) await this.stop(r.name);
  }

  /** Synchronous last resort (process 'exit'): SIGKILL whatever is still running. */
  killAllNow(): void {
    for (const r of this.records) if (isRunning(r)) {
      try {
        process.kill(r.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

/** SIGTERM, up to `graceMs` to exit, then SIGKILL; only if pid and start time still match. */
export async function stopRecord(record: ProcessRecord, graceMs = 10_000): Promise<void> {
  if (!isRunning(record)) return;
  try {
    process.kill(record.pid, 'SIGTERM');
  } catch {
    return;
  }
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!isRunning(record)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (isRunning(record)) {
    try {
      process.kill(record.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** The records under <state>/pids (written by a ProcessGroup, maybe of another process), in start order. */
export function recordedProcesses(stateDir: string): ProcessRecord[] {
  const dir = join(stateDir, 'pids');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ProcessRecord)
    .sort((a, b) => a.startedAt - b.startedAt);
}
