// The real signing tools in tests: cosign (keys from `cosign generate-key-pair` / `import-key-pair`,
// `cosign sign` / `cosign attest` with no transparency log) and notation (`notation cert
// generate-test`, or a key and certificate chain made with openssl), run as child processes with an
// isolated HOME / XDG_CONFIG_HOME per helper and their secrets in the child's environment only.
// They are built from the Go module proxy by scripts/tools/ensure.sh (cached outside the checkout).
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const binDirs = new Map<string, string>();

/** The bin dir of a Go-built tool (built once if missing: that can take minutes). */
export function toolDir(tool: 'cosign' | 'notation' | 'oras' | 'crane'): string {
  let dir = binDirs.get(tool);
  if (!dir) {
    dir = execFileSync(path.join(repoRoot, 'scripts/tools/ensure.sh'), ['--path', tool], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    binDirs.set(tool, dir);
  }
  return dir;
}

async function tool(name: 'cosign' | 'notation' | 'oras', args: string[], env: Record<string, string>, cwd?: string): Promise<string> {
  try {
    const { stdout } = await run(path.join(toolDir(name), name), args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, cwd, timeout: 60_000, maxBuffer: 16 << 20 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    // The command line and the tool's own words; secrets travel in env only, never in args.
    throw new Error(`${name} ${args.join(' ')}: ${(e.stderr ?? e.message).trim().split('\n').slice(-5).join(' | ')}`);
  }
}

const REGISTRY_FLAGS = ['--allow-http-registry', '--allow-insecure-registry'];
// Keyed signing with no Rekor, no Fulcio and no signing config: nothing leaves the machine.
const OFFLINE = ['--use-signing-config=false', '--tlog-upload=false', '-y'];

export interface CosignKey {
  dir: string;
  keyPath: string;
  pubPath: string;
  /** PEM of the public key. */
  pub: string;
  env: Record<string, string>;
}

export interface CosignOptions {
  /** cosign's legacy storage (`--new-bundle-format=false`): `.sig` / `.att` tags instead of bundle referrers. */
  legacy?: boolean;
}

/** `cosign generate-key-pair` (ECDSA P-256) in a fresh directory, with its own password. */
export async function cosignKeyPair(label = 'key'): Promise<CosignKey> {
  const dir = await mkdtemp(path.join(tmpdir(), `aibom-cosign-${label}-`));
  const env = { HOME: dir, COSIGN_PASSWORD: `pw-${label}-${path.basename(dir)}` };
  await tool('cosign', ['generate-key-pair'], env, dir);
  return { dir, keyPath: path.join(dir, 'cosign.key'), pubPath: path.join(dir, 'cosign.pub'), pub: await readFile(path.join(dir, 'cosign.pub'), 'utf8'), env };
}

/** `cosign import-key-pair` of a PKCS#8 private key (Ed25519, RSA, ECDSA) made elsewhere. */
export async function cosignImportKey(privatePem: string, label: string): Promise<CosignKey> {
  const dir = await mkdtemp(path.join(tmpdir(), `aibom-cosign-${label}-`));
  const env = { HOME: dir, COSIGN_PASSWORD: `pw-${label}` };
  await writeFile(path.join(dir, 'private.pem'), privatePem, { mode: 0o600 });
  await tool('cosign', ['import-key-pair', '--key', 'private.pem', '--output-key-prefix', 'cosign'], env, dir);
  return { dir, keyPath: path.join(dir, 'cosign.key'), pubPath: path.join(dir, 'cosign.pub'), pub: await readFile(path.join(dir, 'cosign.pub'), 'utf8'), env };
}

/** `cosign sign --key` of `ref` (`host/repo@sha256:…`). */
export async function cosignSign(key: CosignKey, ref: string, options: CosignOptions = {}): Promise<void> {
  await tool('cosign', ['sign', '--key', key.keyPath, ...OFFLINE, ...REGISTRY_FLAGS, ...(options.legacy ? ['--new-bundle-format=false'] : []), ref], key.env, key.dir);
}

/** `cosign attest --key --type cyclonedx --predicate BOM` of `ref`. */
export async function cosignAttest(key: CosignKey, ref: string, bom: string, options: CosignOptions & { type?: string } = {}): Promise<void> {
  const file = path.join(key.dir, `predicate-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, bom);
  await tool('cosign', ['attest', '--key', key.keyPath, '--type', options.type ?? 'cyclonedx', '--predicate', file, ...OFFLINE, ...REGISTRY_FLAGS, ...(options.legacy ? ['--new-bundle-format=false'] : []), ref], key.env, key.dir);
}

export async function removeKey(key: { dir: string }): Promise<void> {
  await rm(key.dir, { recursive: true, force: true });
}

export interface NotationSigner {
  dir: string;
  /** PEM of the trust anchor (the self-signed test certificate, or the CA). */
  caPem: string;
  /** Subject DN of the signing certificate, as `x509.subject:` wants it. */
  subject: string;
  env: Record<string, string>;
}

/** `notation cert generate-test NAME --default`: an RSA-2048 self-signed signing certificate valid for a day. */
export async function notationTestSigner(name: string): Promise<NotationSigner> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aibom-notation-'));
  const env = { HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config') };
  await tool('notation', ['cert', 'generate-test', '--default', name], env, dir);
  const caPem = await readFile(path.join(dir, 'config', 'notation', 'localkeys', `${name}.crt`), 'utf8');
  return { dir, caPem, subject: `C=US, ST=WA, L=Seattle, O=Notary, CN=${name}`, env };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';

/**
 * A CA and a code-signing leaf made with openssl, valid until `notAfter`, set as notation's default
 * signing key (signingkeys.json names the key and chain files, as `notation key add` would for a
 * plugin). notation refuses to sign with a certificate that has already expired, so a short validity
 * and a wait make an expired-certificate signature.
 */
export async function notationSignerWithChain(cn: string, notAfter: Date): Promise<NotationSigner> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aibom-notation-ca-'));
  const env = { HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config') };
  await writeFile(path.join(dir, 'ext.cnf'), [
    '[ca_ext]', 'basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign',
    '[leaf_ext]', 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=codeSigning', '',
  ].join('\n'));
  await writeFile(path.join(dir, 'ca.cnf'), [
    '[ca]', 'default_ca=test', '[test]', 'dir=.', 'database=index.txt', 'serial=serial', 'new_certs_dir=.', 'default_md=sha256', 'policy=any', 'copy_extensions=none', '[any]', 'commonName=supplied', '',
  ].join('\n'));
  await writeFile(path.join(dir, 'index.txt'), '');
  await writeFile(path.join(dir, 'serial'), '01\n');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/C=US/O=aibom test/CN=aibom test root', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/C=US/O=aibom test/CN=${cn}`], dir);
  const from = new Date(Date.now() - 60_000);
  openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', 'leaf.csr', '-out', 'leaf.crt', '-notext', '-startdate', stamp(from), '-enddate', stamp(notAfter), '-extfile', 'ext.cnf', '-extensions', 'leaf_ext'], dir);
  const caPem = await readFile(path.join(dir, 'ca.crt'), 'utf8');
  await writeFile(path.join(dir, 'chain.crt'), (await readFile(path.join(dir, 'leaf.crt'), 'utf8')) + caPem);
  await mkdir(path.join(dir, 'config', 'notation'), { recursive: true });
  await writeFile(path.join(dir, 'config', 'notation', 'signingkeys.json'), JSON.stringify({ default: 'test', keys: [{ name: 'test', keyPath: path.join(dir, 'leaf.key'), certPath: path.join(dir, 'chain.crt') }] }));
  // openssl ca's policy keeps only the CN of the request's subject.
  return { dir, caPem, subject: `CN=${cn}`, env };
}

/** `notation sign` of `ref` (`host/repo@sha256:…`) over plain HTTP; notation 1.x writes the referrers tag schema. */
export async function notationSign(signer: NotationSigner, ref: string): Promise<void> {
  await tool('notation', ['sign', '--insecure-registry', ref], signer.env, signer.dir);
}

/** A Notary trust policy (version 1.0) with one policy. */
export function notaryPolicy(options: { scopes?: string[]; level?: string; stores?: string[]; identities?: string[]; override?: Record<string, string> } = {}): string {
  const verification: Record<string, unknown> = { level: options.level ?? 'strict' };
  if (options.override) verification.override = options.override;
  return JSON.stringify({
    version: '1.0',
    trustPolicies: [{ name: 'test-policy', registryScopes: options.scopes ?? ['*'], signatureVerification: verification, trustStores: options.stores ?? ['ca:test'], trustedIdentities: options.identities ?? ['*'] }],
  });
}

/** `oras attach --artifact-type T REF FILE:T` (oras 1.x: the referrers tag schema on registries without the API). */
export async function orasAttach(ref: string, artifactType: string, content: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aibom-oras-'));
  try {
    await writeFile(path.join(dir, 'bom.json'), content);
    const out = await tool('oras', ['attach', '--plain-http', '--artifact-type', artifactType, '--format', 'json', ref, `bom.json:${artifactType}`], { HOME: dir }, dir);
    const parsed = JSON.parse(out) as { digest?: string };
    if (!parsed.digest) throw new Error(`oras attach printed no digest: ${out}`);
    return parsed.digest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
