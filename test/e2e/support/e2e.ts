// The e2e suite's control plane: one LocalCluster (scripts/cluster) per mocha run, started by the
// first e2e file that needs it in a fresh temp dir and stopped (by pid) when the run ends, also when
// tests failed. It never reuses a running `npm run cluster:up`: the suite stops the webhook, swaps
// its certificate and changes failurePolicy, which must not happen to a developer's cluster.
// Every e2e test that fails gets the apiserver's, the controller-manager's and the webhook's log lines
// written during that test appended to its error.
// The Go tools (kubectl, oras, cosign, the control plane) run with HTTP(S)_PROXY pointing at a trap
// on loopback: any attempt to reach beyond loopback is recorded there and fails the run.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster, type ClusterState, type KubectlResult } from '../../../scripts/cluster/cluster.js';
import { onRunEnd } from '../../support/run-end.js';

export interface E2E {
  cluster: LocalCluster;
  state: ClusterState;
  /** Requests the Go tools tried to send beyond loopback (through the trap proxy). */
  escapes: string[];
}

/** The users the tests impersonate for break-glass (configuration merged over deploy/config.yaml). */
export const BREAK_GLASS = { allowedUsers: ['alice'], allowedGroups: ['sre-oncall'] };

let shared: Promise<E2E> | undefined;

function startTrap(escapes: string[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    escapes.push(`${req.method} ${req.url}`);
    res.writeHead(403).end('e2e: no traffic beyond loopback');
  });
  server.on('connect', (req, socket) => {
    escapes.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    resolve({ server, url: `http://127.0.0.1:${port}` });
  }));
}

async function start(): Promise<E2E> {
  const stateDir = mkdtempSync(join(tmpdir(), 'aibom-e2e-'));
  const escapes: string[] = [];
  const trap = await startTrap(escapes);
  const proxyEnv = { HTTPS_PROXY: trap.url, HTTP_PROXY: trap.url, https_proxy: trap.url, http_proxy: trap.url, NO_PROXY: '127.0.0.1,localhost,::1', no_proxy: '127.0.0.1,localhost,::1' };
  const cluster = new LocalCluster({
    stateDir,
    detached: false,
    baseEnv: { ...process.env, ...proxyEnv },
    webhookConfig: {
      breakGlass: BREAK_GLASS,
      policies: { pollSeconds: 1 },
      // The hanging registry of the timeout test speaks TLS on a loopback port nobody lists as insecure.
      registries: { allow: ['127.0.0.1'] },
    },
    log: (line) => {
      if (process.env.AIBOM_E2E_VERBOSE) console.log(`      [cluster] ${line}`);
    },
  });
  const kill = (): void => cluster.group.killAllNow();
  process.once('exit', kill);
  onRunEnd(async () => {
    await cluster.stop();
    trap.server.close();
    process.off('exit', kill);
    if (!process.env.AIBOM_E2E_KEEP) rmSync(stateDir, { recursive: true, force: true });
    if (escapes.length > 0) throw new Error(`e2e: the Go tools tried to reach beyond loopback: ${escapes.join(', ')}`);
  });
  try {
    const state = await cluster.start();
    console.log(`      [e2e] control plane up in ${state.startSeconds} s (${stateDir})`);
    return { cluster, state, escapes };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

/** The shared cluster, started on first use. */
export function e2eCluster(): Promise<E2E> {
  shared ??= start();
  return shared;
}

const LOGGED = ['kube-apiserver', 'kube-controller-manager', 'webhook'];

/**
 * Registers the suite's hooks: the cluster before the first test, and on a failure the components'
 * log lines of that test appended to the error. Returns a getter for the running cluster.
 */
export function useE2E(): () => E2E {
  let e: E2E | undefined;
  let offsets: Record<string, number> = {};
  before(async function () {
    this.timeout(300_000);
    e = await e2eCluster();
  });
  beforeEach(function () {
    if (!e) return;
    offsets = Object.fromEntries(LOGGED.map((n) => [n, sizeOf(e!.state.logs[n]!)]));
  });
  afterEach(function () {
    const test = this.currentTest;
    if (!e || test?.state !== 'failed' || !test.err) return;
    const logs = LOGGED.map((n) => `--- ${n} (${e!.state.logs[n]}) during this test:\n${e!.cluster.logTail(n, 80, offsets[n] ?? 0) || '(nothing)'}`).join('\n');
    // Mocha prints the stack after the message (and, for a diff, only the message's first line).
    test.err.stack = `${test.err.stack ?? test.err.message}\n\n${logs}`;
  });
  return () => {
    if (!e) throw new Error('e2e cluster not started');
    return e;
  };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** kubectl; throws with its output (and the command) unless it exits 0. */
export async function kubectl(e: E2E, args: string[], input?: string): Promise<string> {
  const out = await e.cluster.kubectl(args, input);
  if (out.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${out.code}:\n${out.stderr}${out.stdout}`);
  return out.stdout;
}

/** kubectl without the check: code, stdout and stderr. */
export function kubectlRaw(e: E2E, args: string[], input?: string): Promise<KubectlResult> {
  return e.cluster.kubectl(args, input);
}

/** A Go tool (oras, cosign, crane) or the aibom CLI from the cluster's PATH and environment. */
export function run(e: E2E, command: string, args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(command, args, { env: { ...e.cluster.env(), ...options.env }, cwd: options.cwd, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

export async function runOk(e: E2E, command: string, args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<string> {
  const out = await run(e, command, args, options);
  if (out.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${out.code}:\n${out.stderr}${out.stdout}`);
  return out.stdout;
}

let nsCounter = 0;
/** A new namespace for one test file (the cluster is thrown away at the end: no clean-up needed). */
export async function namespace(e: E2E, prefix: string, labels: Record<string, string> = {}): Promise<string> {
  const name = `${prefix}-${process.pid % 10000}-${++nsCounter}`;
  await kubectl(e, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
  return name;
}

/** An object as stored (kubectl get -o json). */
export async function getObject(e: E2E, kind: string, name: string, ns?: string): Promise<K8sObject> {
  return JSON.parse(await kubectl(e, ['get', kind, name, ...(ns ? ['-n', ns] : []), '-o', 'json'])) as K8sObject;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; generateName?: string; generation?: number; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }>; uid?: string };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Polls `check` every 200 ms until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** The apiserver's audit events (JSON lines), optionally only those matching `filter`. */
export async function auditEvents(e: E2E, filter: (ev: AuditEvent) => boolean = () => true): Promise<AuditEvent[]> {
  return readFileSync(e.state.logs.audit!, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent).filter(filter);
}

export interface AuditEvent {
  stage: string;
  verb: string;
  user: { username: string; groups?: string[] };
  impersonatedUser?: { username: string; groups?: string[] };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
  annotations?: Record<string, string>;
}

/** The webhook's JSON log lines (pino), optionally filtered. */
export async function webhookLog(e: E2E, filter: (line: Record<string, unknown>) => boolean = () => true): Promise<Array<Record<string, unknown>>> {
  return readFileSync(e.state.logs.webhook!, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).filter(filter);
}

type Meta = K8sObject['metadata'];

/** The aibom.io/* labels of an object's (or template's) metadata. */
export function aiLabels(meta: Meta | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(meta?.labels ?? {}).filter(([k]) => k.startsWith('aibom.io/')));
}

export function models(meta: Meta | undefined): Array<{ name: string; image: string; container: unknown }> {
  const raw = meta?.annotations?.['aibom.io/models'];
  return raw ? (JSON.parse(raw) as Array<{ name: string; image: string; container: unknown }>) : [];
}

export function template(obj: K8sObject): Meta | undefined {
  const spec = obj.spec as { template?: { metadata?: Meta }; jobTemplate?: { spec?: { template?: { metadata?: Meta } } } };
  return obj.kind === 'CronJob' ? spec.jobTemplate?.spec?.template?.metadata : spec.template?.metadata;
}

