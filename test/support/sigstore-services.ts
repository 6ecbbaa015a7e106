// A private Sigstore deployment on loopback for tests: @sigstore/mock's Fulcio (with a CT log),
// Rekor and timestamp authority served by a real HTTP server on 127.0.0.1, its trusted_root.json,
// and keyless signing with @sigstore/sign against it (an unsigned OIDC token names the identity,
// which the mock Fulcio copies into the certificate). `clock` moves a service's notion of time,
// e.g. a Fulcio whose certificates expired before the log saw the signature.
import { createHash, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundleToJSON } from '@sigstore/bundle';
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, initializeTSA, rekorHandler, tsaHandler, type HandlerFn } from '@sigstore/mock';
import { DSSEBundleBuilder, FulcioSigner, RekorWitness, TSAWitness } from '@sigstore/sign';

export interface SigstoreServices {
  url: string;
  /** trusted_root.json text for this deployment. */
  trustedRoot: string;
  /** Signs `payload` (an in-toto statement) as a DSSE bundle for identity (issuer, subject); returns the bundle JSON text. */
  signStatement(payload: Buffer | string, identity: { issuer: string; subject: string }): Promise<string>;
  stop(): Promise<void>;
}

export interface ServiceClocks {
  /** Fulcio's time (certificates are valid from it for 10 minutes). */
  fulcio?: Date;
  /** Rekor's integrated time and the TSA's timestamps. */
  witnesses?: Date;
}

function ecKeys() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** An unsigned JWT: the mock Fulcio reads its claims without checking a signature. */
function token(issuer: string, subject: string): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: issuer, sub: subject, aud: 'sigstore', iat: now, exp: now + 600 })}.`;
}

export async function startSigstoreServices(clocks: ServiceClocks = {}): Promise<SigstoreServices> {
  const ctKeys = ecKeys();
  const caKeys = ecKeys();
  const tlogKeys = ecKeys();
  const tsaKeys = ecKeys();
  const ctlog = await initializeCTLog(ctKeys, clocks.fulcio);
  const ca = await initializeCA(caKeys, ctlog, clocks.fulcio);
  const tlog = await initializeTLog('http://127.0.0.1', tlogKeys, clocks.witnesses);
  // The TSA answers with a fixed time: @sigstore/core 3.2 parses a GeneralizedTime only with exactly
  // 3 fraction digits, while the mock (pkijs, correct DER) drops trailing zeros (`…01.5Z`), so a
  // live clock fails about one timestamp in ten with "invalid time". 5 minutes ahead lies within
  // the 10-minute validity of every certificate issued within 5 minutes of the services' start.
  const tsaTime = clocks.witnesses ?? new Date(Math.floor(Date.now() / 1000) * 1000 + 5 * 60_000 + 123);
  const tsa = await initializeTSA(tsaKeys, tsaTime);
  const routes = new Map<string, HandlerFn>();
  for (const h of [fulcioHandler(ca), rekorHandler(tlog), tsaHandler(tsa)]) routes.set(h.path, h.fn);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fn = req.method === 'POST' ? routes.get((req.url ?? '').split('?')[0]!) : undefined;
      if (!fn) {
        res.writeHead(404).end();
        return;
      }
      fn(Buffer.concat(chunks).toString('utf8')).then(
        ({ statusCode, response, contentType }) => {
          res.writeHead(statusCode, { 'content-type': contentType ?? 'text/plain' });
          res.end(typeof response === 'string' ? response : Buffer.from(response.buffer, response.byteOffset, response.byteLength));
        },
        (err: Error) => res.writeHead(500).end(err.message),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const longAgo = new Date(Date.now() - 24 * 3600_000);
  const der = (k: ReturnType<typeof ecKeys>): Buffer => k.publicKey.export({ type: 'spki', format: 'der' });
  const root = TrustedRoot.toJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    certificateAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
      uri: url,
      certChain: { certificates: [{ rawBytes: Buffer.from(ca.rootCertificate.buffer, ca.rootCertificate.byteOffset, ca.rootCertificate.byteLength) }] },
      validFor: { start: longAgo },
      operator: 'aibom test',
    }],
    tlogs: [{
      baseUrl: url,
      hashAlgorithm: HashAlgorithm.SHA2_256,
      publicKey: { rawBytes: tlog.publicKey, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor: { start: longAgo } },
      logId: { keyId: createHash('sha256').update(tlog.publicKey).digest() },
      checkpointKeyId: undefined,
      operator: 'aibom test',
    }],
    ctlogs: [{
      baseUrl: url,
      hashAlgorithm: HashAlgorithm.SHA2_256,
      publicKey: { rawBytes: der(ctKeys), keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor: { start: longAgo } },
      logId: { keyId: Buffer.from(ctlog.logID.buffer, ctlog.logID.byteOffset, ctlog.logID.byteLength) },
      checkpointKeyId: undefined,
      operator: 'aibom test',
    }],
    timestampAuthorities: [{
      subject: { organization: 'sigstore.mock', commonName: 'tsa' },
      uri: url,
      certChain: { certificates: [tsa.intCertificate, tsa.rootCertificate].map((c) => ({ rawBytes: Buffer.from(c.buffer, c.byteOffset, c.byteLength) })) },
      validFor: { start: longAgo },
      operator: 'aibom test',
    }],
  });

  return {
    url,
    trustedRoot: JSON.stringify(root),
    async signStatement(payload, identity) {
      const signer = new FulcioSigner({ identityProvider: { getToken: async () => token(identity.issuer, identity.subject) }, fulcioBaseURL: url, retry: 0 });
      const builder = new DSSEBundleBuilder({ signer, witnesses: [new RekorWitness({ rekorBaseURL: url, entryType: 'intoto', retry: 0 }), new TSAWitness({ tsaBaseURL: url, retry: 0 })] });
      const bundle = await builder.create({ data: Buffer.from(payload), type: 'application/vnd.in-toto+json' });
      return JSON.stringify(bundleToJSON(bundle));
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
