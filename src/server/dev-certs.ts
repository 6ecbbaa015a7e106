// Development and test certificates, made with the openssl CLI: a CA and an ECDSA P-256 serving
// certificate with subjectAltNames for loopback and the in-cluster Service names. For clusters use
// certs/make-certs.sh (same shape) or cert-manager; these are for `npm start`, the demo and tests.
import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CertificatePaths {
  cert: string;
  key: string;
}

export interface DevCertificates {
  dir: string;
  ca: CertificatePaths;
  serving: CertificatePaths;
  /** PEM of the CA certificate (what a client trusts; the webhooks' caBundle). */
  caPem: string;
}

export interface ServingNames {
  dnsNames: string[];
  ipAddresses: string[];
}

/** Loopback plus the Service names a webhook in `namespace` is called by. */
export function defaultServingNames(service: string, namespace: string): ServingNames {
  return {
    dnsNames: ['localhost', service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`],
    ipAddresses: ['127.0.0.1', '::1'],
  };
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd, timeout: 30_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('openssl is not installed (needed to make development certificates)');
    throw new Error(`openssl ${args[0]} failed: ${(e.stderr ?? e.message).trim().split('\n')[0]}`);
  }
}

async function newKey(path: string, cwd: string): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path], cwd);
  await chmod(path, 0o600);
}

/** A new CA (key + self-signed certificate) in `dir`, named `<base>.crt` / `<base>.key`. */
export async function createCa(where: string, commonName = 'aibom-webhook development CA', base = 'ca', days = 30): Promise<CertificatePaths> {
  const dir = resolve(where);
  await mkdir(dir, { recursive: true });
  const paths = { cert: join(dir, `${base}.crt`), key: join(dir, `${base}.key`) };
  await newKey(paths.key, dir);
  await openssl(
    ['req', '-x509', '-new', '-key', paths.key, '-sha256', '-days', String(days), '-subj', `/CN=${commonName}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', paths.cert],
    dir,
  );
  return paths;
}

/** A serving certificate signed by `ca`, written to `<dir>/<base>.crt` and `.key`. */
export async function issueServingCertificate(ca: CertificatePaths, where: string, names: ServingNames, base = 'tls', days = 30): Promise<CertificatePaths> {
  const dir = resolve(where);
  await mkdir(dir, { recursive: true });
  const paths = { cert: join(dir, `${base}.crt`), key: join(dir, `${base}.key`) };
  const csr = join(dir, `${base}.csr`);
  const ext = join(dir, `${base}.ext`);
  const san = [...names.dnsNames.map((n) => `DNS:${n}`), ...names.ipAddresses.filter((ip) => isIP(ip) !== 0).map((ip) => `IP:${ip}`)].join(',');
  await writeFile(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`);
  await newKey(paths.key, dir);
  await openssl(['req', '-new', '-key', paths.key, '-subj', `/CN=${names.dnsNames[0] ?? 'aibom-webhook'}`, '-out', csr], dir);
  const serial = `0x${randomBytes(16).toString('hex')}`;
  await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', serial, '-days', String(days), '-sha256', '-extfile', ext, '-out', paths.cert], dir);
  await rm(csr, { force: true });
  await rm(ext, { force: true });
  return paths;
}

/**
 * CA + serving certificate in `dir`. With `reuse`, an existing pair that is valid for another day
 * and signed by the CA there is kept (so a developer's trusted CA survives restarts).
 */
export async function generateDevCertificates(where: string, names: ServingNames, options: { reuse?: boolean } = {}): Promise<DevCertificates> {
  const dir = resolve(where);
  const ca = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  const serving = { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') };
  if (options.reuse && (await stillGood(ca.cert, serving.cert))) {
    return { dir, ca, serving, caPem: await readFile(ca.cert, 'utf8') };
  }
  await createCa(dir);
  await issueServingCertificate(ca, dir, names);
  return { dir, ca, serving, caPem: await readFile(ca.cert, 'utf8') };
}

async function stillGood(caFile: string, certFile: string): Promise<boolean> {
  try {
    const ca = new X509Certificate(await readFile(caFile));
    const leaf = new X509Certificate(await readFile(certFile));
    const tomorrow = Date.now() + 24 * 3600 * 1000;
    return leaf.checkIssued(ca) && leaf.verify(ca.publicKey) && Date.parse(leaf.validTo) > tomorrow && Date.parse(ca.validTo) > tomorrow;
  } catch {
    return false;
  }
}
