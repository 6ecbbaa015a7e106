// A real Kubernetes control plane on loopback, from the Go-built components (scripts/tools): etcd,
// kube-apiserver (RBAC + Node authorisation, NodeRestriction, an audit log) and
// kube-controller-manager (all controllers, per-controller service-account credentials); two
// registries (go-containerregistry's with the OCI referrers API, Debian's docker-registry for the
// tag fallback); and the webhook from this checkout (`bin/aibom.js serve`), registered through the
// deploy/ with the kustomize Component deploy/components/local and certificates from certs/make-certs.sh.
// Every port is chosen free at start; all state (certificates, data, logs, pids) lives in `stateDir`.
// Used by `npm run cluster:up` (detached, state in .cluster/) and by the e2e suite (its own temp dir).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify as toYaml } from 'yaml';
import { dockerRegistryConfig, freePort } from '../../test/support/local-registry.js';
import { ConfigMapDir } from '../../test/support/configmap-dir.js';
import { deploymentNodeOptions } from '../lib/deployment.js';
import { MissingComponentError } from '../lib/missing-component.js';
import { issue, makePki, writeKubeconfig, type Pki } from './pki.js';
import { auditPolicy, newestMtime, webhookConfigFile } from './config-files.js';
import { isRunning, ProcessGroup, tail, type ProcessRecord } from './processes.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const ensureScript = join(repoRoot, 'scripts/tools/ensure.sh');
/** The Go-built tools the cluster and its users need. */
export const CLUSTER_TOOLS = ['k8s', 'etcd', 'oci-registry', 'crane', 'oras', 'cosign'] as const;
type Tool = (typeof CLUSTER_TOOLS)[number];
/**
 * Put on the PATH of `.cluster/env` when they are built (`scripts/tools/ensure.sh helm promtool`), so a
 * user can run `helm lint charts/aibom-webhook` and `promtool test rules …` there; the cluster needs neither.
 */
export const OPTIONAL_PATH_TOOLS = ['helm', 'promtool'] as const;

/** The bin dirs of the optional tools that are built (never builds). */
export function builtOptionalToolDirs(): string[] {
  const dirs: string[] = [];
  for (const tool of OPTIONAL_PATH_TOOLS) {
    try {
      dirs.push(execFileSync(ensureScript, ['--dir', tool], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim());
    } catch {
      // Not built: not on the PATH.
    }
  }
  return dirs;
}

export interface ClusterOptions {
  stateDir: string;
  /** Processes outlive this one (cluster:up); else they are this process's children. */
  detached: boolean;
  /** Build missing tools (cluster:up) instead of failing with the command that builds them. */
  build?: boolean;
  /** Merged over deploy/config.yaml's aibom-config (e.g. breakGlass for tests). */
  webhookConfig?: Record<string, unknown>;
  /** More `--insecure-registry` hosts for the webhook. */
  insecureRegistries?: string[];
  log?: (line: string) => void;
  /** The environment of every process started and of kubectl (default: this process's). */
  baseEnv?: NodeJS.ProcessEnv;
  /**
   * Also run the inventory controller (docs/inventory.md): deploy/crds and deploy/inventory's RBAC,
   * then `aibom inventory-controller` from the checkout as its service account (cluster:up does; the
   * e2e suite starts its own controllers).
   */
  inventory?: boolean;
}

export interface ClusterState {
  stateDir: string;
  kubeconfig: string;
  apiserver: string;
  registry: string;
  fallbackRegistry: string;
  webhook: { url: string; port: number; adminPort: number; tlsDir: string; certsDir: string; policiesDir: string; configFile: string };
  pathDirs: string[];
  pki: Pki;
  logs: Record<string, string>;
  startSeconds: number;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The bin dirs of the tools, built first when `build` (else a MissingComponentError naming the command). */
export function toolDirs(build: boolean): Record<Tool, string> {
  const dirs = {} as Record<Tool, string>;
  if (build) {
    const out = execFileSync(ensureScript, [...CLUSTER_TOOLS], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    for (const line of out.trim().split('\n')) {
      const [tool, dir] = line.split(' ');
      dirs[tool as Tool] = dir!;
    }
    return dirs;
  }
  for (const tool of CLUSTER_TOOLS) {
    try {
      dirs[tool] = execFileSync(ensureScript, ['--dir', tool], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    } catch (err) {
      const stderr = (err as { stderr?: Buffer | string }).stderr?.toString().trim();
      throw new MissingComponentError(stderr || `${tool} is not built: run scripts/tools/ensure.sh ${tool}`);
    }
  }
  return dirs;
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return { status: res.status, body: await res.text() };
}

/** GET over TLS with a client certificate (the apiserver's /readyz). */
function getTls(url: string, tls: { ca: string; cert: string; key: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: readFileSync(tls.ca), cert: readFileSync(tls.cert), key: readFileSync(tls.key), timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `ready` until true; fails with the component's log tail if it exits or takes too long. */
async function waitFor(what: string, record: ProcessRecord, ready: () => Promise<boolean>, timeoutMs: number, alive: (r: ProcessRecord) => boolean): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!alive(record)) throw new Error(`${what} exited during start-up; last lines of ${record.log}:\n${tail(record.log, 30)}`);
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} was not ready after ${timeoutMs / 1000} s; last lines of ${record.log}:\n${tail(record.log, 30)}`);
}

export class LocalCluster {
  readonly group: ProcessGroup;
  state!: ClusterState;
  private webhookArgs: string[] = [];
  private webhookEnv: NodeJS.ProcessEnv = {};
  private tlsDir!: ConfigMapDir;
  /** How kube-apiserver was started (restartApiserver starts it again the same way). */
  private apiserverLaunch?: { command: string; args: string[]; env: NodeJS.ProcessEnv; adminTls: { ca: string; cert: string; key: string } };

  constructor(readonly options: ClusterOptions) {
    this.group = new ProcessGroup(options.stateDir);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private alive = (r: ProcessRecord): boolean => this.group.started.includes(r) && isRunning(r);

  async start(): Promise<ClusterState> {
    const t0 = Date.now();
    const { stateDir, detached } = this.options;
    const tools = toolDirs(this.options.build ?? false);
    const bin = (tool: Tool, name: string): string => join(tools[tool], name);
    mkdirSync(stateDir, { recursive: true });
    const pki = makePki(join(stateDir, 'pki'));
    const ports: number[] = [];
    while (ports.length < 8) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const [etcdClient, etcdPeer, apiPort, kcmPort, regPort, fallbackPort, webhookPort, adminPort] = ports as [number, number, number, number, number, number, number, number];
    const env = { ...(this.options.baseEnv ?? process.env) };

    // etcd
    const etcd = this.group.start('etcd', bin('etcd', 'etcd'), [
      '--name=aibom-local', `--data-dir=${join(stateDir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`, `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=aibom-local=http://127.0.0.1:${etcdPeer}`, '--unsafe-no-fsync', '--log-level=warn',
    ], { detached, env });
    await waitFor('etcd', etcd, async () => (await get(`http://127.0.0.1:${etcdClient}/health`)).body.includes('true'), 30_000, this.alive);
    this.log(`etcd ready on 127.0.0.1:${etcdClient}`);

    // kube-apiserver
    const auditPolicyFile = join(stateDir, 'audit-policy.yaml');
    writeFileSync(auditPolicyFile, auditPolicy());
    const auditLog = join(this.group.logDir, 'audit.log');
    const apiserverArgs = [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--secure-port=${apiPort}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
      `--tls-cert-file=${pki.apiserver.cert}`, `--tls-private-key-file=${pki.apiserver.key}`, `--client-ca-file=${pki.ca.cert}`,
      `--cert-dir=${join(stateDir, 'apiserver')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccount.pub}`, `--service-account-signing-key-file=${pki.serviceAccount.key}`,
      '--service-cluster-ip-range=10.96.0.0/24',
      '--authorization-mode=Node,RBAC', '--enable-admission-plugins=NodeRestriction',
      // 127.0.0.1 cannot be the kubernetes Service's endpoint: no endpoint reconciler (nothing routes there anyway).
      '--endpoint-reconciler-type=none',
      `--audit-policy-file=${auditPolicyFile}`, `--audit-log-path=${auditLog}`, '--audit-log-format=json', '--audit-log-mode=blocking',
      '--feature-gates=ImageVolume=true', '--profiling=false', '--v=1',
    ];
    const apiserver = this.group.start('kube-apiserver', bin('k8s', 'kube-apiserver'), apiserverArgs, { detached, env });
    const adminTls = { ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key };
    this.apiserverLaunch = { command: bin('k8s', 'kube-apiserver'), args: apiserverArgs, env, adminTls };
    const apiUrl = `https://127.0.0.1:${apiPort}`;
    await waitFor('kube-apiserver', apiserver, async () => (await getTls(`${apiUrl}/readyz`, adminTls)).status === 200, 120_000, this.alive);
    this.log(`kube-apiserver ready on ${apiUrl}`);

    const kubeconfig = join(stateDir, 'kubeconfig');
    writeKubeconfig(kubeconfig, apiUrl, pki.ca.cert, pki.admin, 'aibom-admin');
    const kcmKubeconfig = join(stateDir, 'controller-manager.kubeconfig');
    writeKubeconfig(kcmKubeconfig, apiUrl, pki.ca.cert, pki.controllerManager, 'system:kube-controller-manager');

    // kube-controller-manager
    this.group.start('kube-controller-manager', bin('k8s', 'kube-controller-manager'), [
      `--kubeconfig=${kcmKubeconfig}`, `--authentication-kubeconfig=${kcmKubeconfig}`, `--authorization-kubeconfig=${kcmKubeconfig}`,
      `--service-account-private-key-file=${pki.serviceAccount.key}`, `--root-ca-file=${pki.ca.cert}`,
      `--cluster-signing-cert-file=${pki.ca.cert}`, `--cluster-signing-key-file=${pki.ca.key}`,
      '--use-service-account-credentials=true', '--controllers=*', '--leader-elect=false',
      '--bind-address=127.0.0.1', `--secure-port=${kcmPort}`, `--cert-dir=${join(stateDir, 'controller-manager')}`, '--v=1',
    ], { detached, env });

    // registries
    const registry = this.group.start('oci-registry', bin('oci-registry', 'oci-registry'), [`--address=127.0.0.1:${regPort}`, `--disk=${join(stateDir, 'oci-registry')}`], { detached, env });
    const dockerRegistry = '/usr/bin/docker-registry';
    if (!existsSync(dockerRegistry)) throw new MissingComponentError('docker-registry (Debian) is not installed: run npm run test:setup (or: apt-get install docker-registry)');
    const fallbackConfig = join(stateDir, 'docker-registry.yml');
    writeFileSync(fallbackConfig, dockerRegistryConfig(`127.0.0.1:${fallbackPort}`, join(stateDir, 'docker-registry')));
    const fallback = this.group.start('docker-registry', dockerRegistry, ['serve', fallbackConfig], { detached, env });
    await waitFor('oci-registry', registry, async () => (await get(`http://127.0.0.1:${regPort}/v2/`)).status === 200, 20_000, this.alive);
    await waitFor('docker-registry', fallback, async () => (await get(`http://127.0.0.1:${fallbackPort}/v2/`)).status === 200, 20_000, this.alive);
    this.log(`registries ready: 127.0.0.1:${regPort} (referrers API), 127.0.0.1:${fallbackPort} (docker-registry, tag fallback)`);

    // the webhook: certificates from certs/, served from a kubelet-style Secret directory
    const certsDir = join(stateDir, 'webhook-certs');
    execFileSync('bash', [join(repoRoot, 'certs/make-certs.sh'), '--out', certsDir, '--ip', '127.0.0.1', '--deploy', join(repoRoot, 'deploy'), '--days', '30'], { stdio: 'ignore' });
    const tlsDir = join(stateDir, 'webhook-tls');
    this.tlsDir = new ConfigMapDir(tlsDir);
    this.tlsDir.write({ 'tls.crt': readFileSync(join(certsDir, 'tls.crt'), 'utf8'), 'tls.key': readFileSync(join(certsDir, 'tls.key'), 'utf8'), 'ca.crt': readFileSync(join(certsDir, 'ca.crt'), 'utf8') });
    const policiesDir = join(stateDir, 'policies');
    mkdirSync(policiesDir, { recursive: true });
    const configFile = join(stateDir, 'webhook-config.yaml');
    writeFileSync(configFile, webhookConfigFile(policiesDir, this.options.webhookConfig));
    const registries = [`127.0.0.1:${regPort}`, `127.0.0.1:${fallbackPort}`, ...(this.options.insecureRegistries ?? [])];
    this.webhookArgs = [join(repoRoot, 'bin/aibom.js'), 'serve', '--config', configFile, '--tls-cert', join(tlsDir, 'tls.crt'), '--tls-key', join(tlsDir, 'tls.key'), '--port', String(webhookPort), '--admin-port', String(adminPort), ...registries.flatMap((r) => ['--insecure-registry', r])];
    // No Service endpoints to drain locally: stop at once.
    // The Deployment's NODE_OPTIONS (heap and young-generation sizes), as in production.
    this.webhookEnv = { ...env, NODE_OPTIONS: deploymentNodeOptions(), AIBOM_SERVER_HOST: '127.0.0.1', AIBOM_SERVER_ADMIN_HOST: '127.0.0.1', AIBOM_SERVER_SHUTDOWN_DELAY_SECONDS: '0' };
    const dist = join(repoRoot, 'dist/cli/run.js');
    if (existsSync(dist) && statSync(dist).mtimeMs < newestMtime(join(repoRoot, 'src'))) this.log('warning: dist/ is older than src/ and bin/aibom.js runs dist/: npm run build');

    this.state = {
      stateDir, kubeconfig, apiserver: apiUrl,
      registry: `127.0.0.1:${regPort}`, fallbackRegistry: `127.0.0.1:${fallbackPort}`,
      webhook: { url: `https://127.0.0.1:${webhookPort}`, port: webhookPort, adminPort, tlsDir, certsDir, policiesDir, configFile },
      pathDirs: [tools.k8s, tools.oras, tools.cosign, tools.crane, ...builtOptionalToolDirs()],
      pki,
      logs: Object.fromEntries(['etcd', 'kube-apiserver', 'kube-controller-manager', 'oci-registry', 'docker-registry', 'webhook'].map((n) => [n, join(this.group.logDir, `${n}.log`)]).concat([['audit', auditLog]])),
      startSeconds: 0,
    };
    await this.startWebhook();

    // deploy/ with the certificate overlay (Secret, caBundle), then deploy/components/local, then this
    // run's url (a Component of its own: components apply in the order listed, after the resources).
    const deployDir = join(stateDir, 'deploy');
    mkdirSync(join(deployDir, 'url'), { recursive: true });
    writeFileSync(join(deployDir, 'url', 'kustomization.yaml'), toYaml({
      apiVersion: 'kustomize.config.k8s.io/v1alpha1',
      kind: 'Component',
      patches: [['MutatingWebhookConfiguration', 'mutate'], ['ValidatingWebhookConfiguration', 'validate']].map(([kind, path]) => ({
        target: { kind, name: 'aibom-webhook' },
        patch: toYaml([{ op: 'replace', path: '/webhooks/0/clientConfig/url', value: `${this.state.webhook.url}/${path}` }]),
      })),
    }));
    writeFileSync(join(deployDir, 'kustomization.yaml'), toYaml({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [relative(deployDir, certsDir)],
      components: [relative(deployDir, join(repoRoot, 'deploy/components/local')), './url'],
    }));
    await this.waitForDefaultServiceAccount();
    const applied = await this.kubectl(['apply', '-k', deployDir]);
    if (applied.code !== 0) throw new Error(`kubectl apply -k ${deployDir} failed:\n${applied.stderr}`);
    await this.waitForWebhookCalls();
    if (this.options.inventory) await this.startInventory(env, registries);
    this.state.startSeconds = Math.round((Date.now() - t0) / 100) / 10;
    writeFileSync(join(stateDir, 'state.json'), JSON.stringify(this.state, null, 2) + '\n');
    writeFileSync(join(stateDir, 'env'), this.envFile());
    return this.state;
  }

  /** The environment for kubectl, oras, cosign and crane against this cluster. */
  env(base: NodeJS.ProcessEnv = this.options.baseEnv ?? process.env): NodeJS.ProcessEnv {
    return {
      ...base,
      KUBECONFIG: this.state.kubeconfig,
      KUBECACHEDIR: join(this.state.stateDir, 'kube-cache'),
      PATH: [...this.state.pathDirs, base.PATH ?? ''].join(':'),
      AIBOM_REGISTRY: this.state.registry,
      AIBOM_REGISTRY_FALLBACK: this.state.fallbackRegistry,
    };
  }

  private envFile(): string {
    const e = this.env({});
    return [
      '# Written by npm run cluster:up: `source .cluster/env`, then kubectl, oras, cosign and crane use the local cluster.',
      `export KUBECONFIG=${JSON.stringify(e.KUBECONFIG)}`,
      `export KUBECACHEDIR=${JSON.stringify(e.KUBECACHEDIR)}`,
      `export PATH="${this.state.pathDirs.join(':')}:$PATH"`,
      `export AIBOM_REGISTRY=${e.AIBOM_REGISTRY}   # OCI referrers API (go-containerregistry)`,
      `export AIBOM_REGISTRY_FALLBACK=${e.AIBOM_REGISTRY_FALLBACK}   # Debian docker-registry: sha256-<hex> tag fallback`,
      `export AIBOM_WEBHOOK=${this.state.webhook.url}   # admin: http://127.0.0.1:${this.state.webhook.adminPort}/metrics`,
      '',
    ].join('\n');
  }

  kubectl(args: string[], input?: string, env?: NodeJS.ProcessEnv): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(join(this.state.pathDirs[0]!, 'kubectl'), args, { env: env ?? this.env(), maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
      if (input !== undefined) child.stdin!.end(input);
      else child.stdin!.end();
    });
  }

  async startWebhook(): Promise<void> {
    const record = this.group.start('webhook', process.execPath, this.webhookArgs, { detached: this.options.detached, env: this.webhookEnv, cwd: repoRoot });
    await waitFor('the webhook (aibom serve)', record, async () => (await get(`http://127.0.0.1:${this.state.webhook.adminPort}/readyz`)).status === 200, 60_000, this.alive);
    this.log(`webhook ready on ${this.state.webhook.url}`);
  }

  /** The CRDs and RBAC of deploy/inventory, and the controller with its service account's identity. */
  private async startInventory(env: NodeJS.ProcessEnv, registries: string[]): Promise<void> {
    const sa = 'system:serviceaccount:aibom-system:aibom-inventory';
    for (const args of [['apply', '-k', join(repoRoot, 'deploy/crds')], ['apply', '-f', join(repoRoot, 'deploy/inventory/rbac.yaml')], ['wait', '--for=condition=established', '--timeout=60s', 'crd/aiworkloadreports.aibom.io', 'crd/aiinventorysummaries.aibom.io']]) {
      const out = await this.kubectl(args);
      if (out.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed:\n${out.stderr}`);
    }
    const dir = join(this.state.stateDir, 'inventory');
    const cert = issue(this.state.pki.ca, dir, 'inventory', { cn: sa, groups: ['system:serviceaccounts', 'system:serviceaccounts:aibom-system'] });
    const kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, this.state.apiserver, this.state.pki.ca.cert, cert, sa);
    this.group.start('inventory', process.execPath, [
      join(repoRoot, 'bin/aibom.js'), 'inventory-controller', '--kubeconfig', kubeconfig, '--config', this.state.webhook.configFile,
      '--lease-namespace', 'aibom-system', '--identity', 'cluster-up', ...registries.flatMap((r) => ['--insecure-registry', r]),
    ], { detached: this.options.detached, env: { ...env, NODE_OPTIONS: deploymentNodeOptions() }, cwd: repoRoot });
    this.state.logs.inventory = join(this.group.logDir, 'inventory.log');
    this.log('inventory controller started (kubectl get aiworkloadreports -A)');
  }

  /**
   * Stops kube-apiserver, waits `downMs`, and starts it again on the same port and etcd (the state
   * survives): what clients see in an apiserver upgrade or crash (watches end, connections refused).
   */
  async restartApiserver(downMs = 2000): Promise<void> {
    const launch = this.apiserverLaunch;
    if (!launch) throw new Error('the cluster was not started');
    await this.group.stop('kube-apiserver');
    await new Promise((r) => setTimeout(r, downMs));
    const record = this.group.start('kube-apiserver', launch.command, launch.args, { detached: this.options.detached, env: launch.env });
    await waitFor('kube-apiserver (restarted)', record, async () => (await getTls(`${this.state.apiserver}/readyz`, launch.adminTls)).status === 200, 120_000, this.alive);
    // The controller-manager's watches broke too and come back with its own back-off: until then a new
    // namespace gets no `default` ServiceAccount and Pods in it are refused. Wait for that to work again.
    const probe = `aibom-restart-probe-${Date.now()}`;
    await this.kubectl(['create', 'namespace', probe]);
    const kcm = this.group.started.find((r) => r.name === 'kube-controller-manager')!;
    await waitFor('kube-controller-manager after the restart', kcm, async () => (await this.kubectl(['get', 'serviceaccount', 'default', '-n', probe, '-o', 'name'])).code === 0, 90_000, this.alive);
    await this.kubectl(['delete', 'namespace', probe, '--wait=false']);
    this.log('kube-apiserver restarted');
  }

  stopWebhook(): Promise<void> {
    return this.group.stop('webhook');
  }

  /** Swaps a new serving certificate (same CA) into the webhook's Secret directory, as the kubelet does. */
  rotateWebhookCertificate(): string {
    const certsDir = this.state.webhook.certsDir;
    execFileSync('bash', [join(repoRoot, 'certs/make-certs.sh'), '--out', certsDir, '--ip', '127.0.0.1', '--deploy', join(repoRoot, 'deploy'), '--days', '30', '--reuse-ca'], { stdio: 'ignore' });
    const cert = readFileSync(join(certsDir, 'tls.crt'), 'utf8');
    this.tlsDir.write({ 'tls.crt': cert, 'tls.key': readFileSync(join(certsDir, 'tls.key'), 'utf8'), 'ca.crt': readFileSync(join(certsDir, 'ca.crt'), 'utf8') });
    return execFileSync('openssl', ['x509', '-noout', '-serial'], { input: cert, encoding: 'utf8' }).trim().replace(/^serial=/, '');
  }

  /** Pods need their namespace's `default` ServiceAccount, made by the controller-manager. */
  private async waitForDefaultServiceAccount(): Promise<void> {
    const kcm = this.group.started.find((r) => r.name === 'kube-controller-manager')!;
    await waitFor('kube-controller-manager', kcm, async () => (await this.kubectl(['get', 'serviceaccount', 'default', '-n', 'default', '-o', 'name'])).code === 0, 90_000, this.alive);
    this.log('kube-controller-manager ready (service accounts made)');
  }

  /** The apiserver sees a new webhook configuration within a moment: wait until a dry run is labelled. */
  private async waitForWebhookCalls(): Promise<void> {
    const pod = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'aibom-probe', namespace: 'default' }, spec: { containers: [{ name: 'c', image: `${this.state.fallbackRegistry}/probe/none:1` }] } });
    const webhook = this.group.started.find((r) => r.name === 'webhook')!;
    await waitFor('webhook registration', webhook, async () => {
      const out = await this.kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], pod);
      return out.code === 0 && out.stdout.includes('aibom.io/ai-bearing');
    }, 30_000, this.alive);
  }

  /** The log of a component from byte `from` (for test failures). */
  logTail(name: string, lines = 60, from = 0): string {
    return tail(this.state.logs[name] ?? join(this.group.logDir, `${name}.log`), lines, from);
  }

  async stop(): Promise<void> {
    await this.group.stopAll();
  }
}

/** Parses `.cluster/state.json` of a running cluster:up. */
export function readState(stateDir: string): ClusterState | undefined {
  const file = join(stateDir, 'state.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterState) : undefined;
}

export const defaultStateDir = join(repoRoot, '.cluster');
