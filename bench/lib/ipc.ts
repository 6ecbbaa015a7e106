// The small protocol between the benchmark and its child processes (node IPC over fork()).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerStats } from '../../test/support/serve-process.js';

export type { ServerStats };

export type ChildMessage = { type: 'ready'; port: number } | { type: 'stats'; id: number; stats: ServerStats } | { type: 'result'; result: unknown } | { type: 'error'; message: string };
export type ParentMessage = { type: 'stats'; id: number; gc?: boolean } | { type: 'run'; spec: unknown } | { type: 'stop' };

export interface Child {
  process: ChildProcess;
  /** Resolves with the first message of `type`. */
  next<T extends ChildMessage['type']>(type: T, timeoutMs?: number): Promise<Extract<ChildMessage, { type: T }>>;
  send(message: ParentMessage): void;
  stats(gc?: boolean): Promise<ServerStats>;
  stop(): Promise<void>;
}

/**
 * Forks a child with extra node flags (e.g. --cpu-prof, --expose-gc): a `.ts` script next to this
 * file runs through tsx; an absolute `.js` path (compiled, bench/.dist) runs on plain node.
 */
export function forkChild(script: string, args: string[], nodeFlags: string[] = []): Child {
  const compiled = script.endsWith('.js');
  const path = compiled ? script : fileURLToPath(new URL(script, import.meta.url));
  const child = fork(path, args, { execArgv: [...(compiled ? [] : ['--import', 'tsx']), ...nodeFlags], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let statsId = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const api: Child = {
    process: child,
    next(type, timeoutMs = 600_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => fail(new Error(`child ${script}: no ${type} message within ${timeoutMs} ms`)), timeoutMs);
        const onMessage = (m: ChildMessage): void => {
          if (m.type === 'error') fail(new Error(`child ${script}: ${m.message}`));
          else if (m.type === type) {
            cleanup();
            resolve(m as Extract<ChildMessage, { type: typeof type }>);
          }
        };
        const onExit = (code: number | null): void => fail(new Error(`child ${script} exited (${code}) before sending ${type}`));
        const cleanup = (): void => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        function fail(err: Error): void {
          cleanup();
          reject(err);
        }
        child.on('message', onMessage);
        child.once('exit', onExit);
      });
    },
    send(message) {
      child.send(message);
    },
    async stats(gc = false) {
      const id = ++statsId;
      const reply = api.next('stats', 30_000);
      child.send({ type: 'stats', id, gc });
      return (await reply).stats;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return api;
}

/** In a child: answer stats requests and stop on request. */
export function serveStats(collect: () => Promise<ServerStats> | ServerStats, stop: () => Promise<void>): void {
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'stats') {
      if (m.gc) (globalThis as { gc?: () => void }).gc?.();
      void Promise.resolve(collect()).then((stats) => process.send?.({ type: 'stats', id: m.id, stats } satisfies ChildMessage));
    } else if (m.type === 'stop') {
      void stop().then(() => process.exit(0));
    }
  });
}

export function processStats(deadlineMisses = 0): ServerStats {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return { cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, deadlineMisses };
}
