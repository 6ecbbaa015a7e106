// The control plane's certificates, made with the openssl CLI (ECDSA P-256, ~50 ms each): one CA
// that signs the apiserver's serving certificate and every client certificate (the apiserver trusts
// it through --client-ca-file: CN = user name, O = groups), and the service-account signing key.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireExecutable } from '../lib/missing-component.js';

export interface KeyPair {
  cert: string;
  key: string;
}

export interface Pki {
  dir: string;
  ca: KeyPair;
  apiserver: KeyPair;
  admin: KeyPair;
  controllerManager: KeyPair;
  /** ECDSA private key (PEM) that signs service-account tokens, and its public key. */
  serviceAccount: { key: string; pub: string };
}

const OPENSSL = '/usr/bin/openssl';

function openssl(args: string[]): void {
  execFileSync(OPENSSL, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function ecKey(file: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
}

/** A certificate signed by `ca`: a client certificate for `cn` in `groups`, or a serving one with `sans`. */
export function issue(ca: KeyPair, dir: string, name: string, subject: { cn: string; groups?: string[]; sans?: string[] }, days = 30): KeyPair {
  mkdirSync(dir, { recursive: true });
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  ecKey(pair.key);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  const escape = (v: string): string => v.replace(/[/\\]/g, '\\$&');
  const subj = `${(subject.groups ?? []).map((g) => `/O=${escape(g)}`).join('')}/CN=${escape(subject.cn)}`;
  openssl(['req', '-new', '-key', pair.key, '-subj', subj, '-out', csr]);
  const server = (subject.sans ?? []).length > 0;
  writeFileSync(ext, [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    `extendedKeyUsage=${server ? 'serverAuth' : 'clientAuth'}`,
    ...(server ? [`subjectAltName=${subject.sans!.join(',')}`] : []),
    '',
  ].join('\n'));
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${execFileSync(OPENSSL, ['rand', '-hex', '16'], { encoding: 'utf8' }).trim()}`, '-days', String(days), '-sha256', '-extfile', ext, '-out', pair.cert]);
  rmSync(csr);
  rmSync(ext);
  return pair;
}

export function makePki(dir: string): Pki {
  requireExecutable(OPENSSL, 'openssl', 'npm run test:setup (or: apt-get install openssl)');
  mkdirSync(dir, { recursive: true });
  const ca = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  ecKey(ca.key);
  openssl(['req', '-x509', '-new', '-key', ca.key, '-sha256', '-days', '30', '-subj', '/CN=aibom local cluster CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', ca.cert]);
  const apiserver = issue(ca, dir, 'apiserver', { cn: 'kube-apiserver', sans: ['IP:127.0.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc'] });
  const admin = issue(ca, dir, 'admin', { cn: 'aibom-admin', groups: ['system:masters'] });
  const controllerManager = issue(ca, dir, 'controller-manager', { cn: 'system:kube-controller-manager' });
  const serviceAccount = { key: join(dir, 'service-account.key'), pub: join(dir, 'service-account.pub') };
  ecKey(serviceAccount.key);
  openssl(['pkey', '-in', serviceAccount.key, '-pubout', '-out', serviceAccount.pub]);
  return { dir, ca, apiserver, admin, controllerManager, serviceAccount };
}

/** A kubeconfig for one client certificate. */
export function writeKubeconfig(file: string, server: string, caCert: string, client: KeyPair, user: string): void {
  writeFileSync(file, [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: aibom-local`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${JSON.stringify(caCert)}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    client-certificate: ${JSON.stringify(client.cert)}`,
    `    client-key: ${JSON.stringify(client.key)}`,
    'contexts:',
    `- name: aibom-local`,
    '  context:',
    '    cluster: aibom-local',
    `    user: ${user}`,
    'current-context: aibom-local',
    '',
  ].join('\n'), { mode: 0o600 });
}
