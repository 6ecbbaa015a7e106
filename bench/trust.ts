// What BOM trust costs (docs/trust.md "Performance"), measured in one run on this machine:
//   1. first verification, CPU per signature, for each format — over signatures made by the real
//      tools (cosign attest/sign with a key, notation sign) and by @sigstore/sign against a loopback
//      Sigstore (keyless): bytes fetched once, then verified in a loop by src/trust;
//   2. an uncached lookup (fresh lookup service each time) of one image, trust off vs on: wall time
//      and registry requests, against the Debian registry — the signature reads are the cost;
//   3. cached /mutate through the server's real handler (as bench/hotpath.ts), the same Pod of
//      3 images whose BOMs are cosign-attested: trust off (BOMs unsigned) vs trust on (verified),
//      rounds interleaved A/B so drift hits both; the ratio is the figure (target: within noise).
//
//   node --import tsx bench/trust.ts [--requests 5000] [--rounds 7] [--out bench/results/trust.json]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { applyRegistryFlags } from '../src/cli/registry-flags.js';
import { composeLookup } from '../src/discovery/compose.js';
import { registryClientFromConfig } from '../src/registry/index.js';
import { loadConfig } from '../src/config/load.js';
import { admissionSettings } from '../src/config/settings.js';
import { createTrustSource } from '../src/config/trust-source.js';
import { createLookupMetrics } from '../src/metrics/lookup-metrics.js';
import { createWebhookMetrics } from '../src/metrics/metrics.js';
import { loadTlsMaterial } from '../src/server/certificates.js';
import { defaultServingNames, generateDevCertificates } from '../src/server/dev-certs.js';
import { createEnforcement } from '../src/server/enforcement.js';
import { createLogger } from '../src/server/log.js';
import { createWebhookServer } from '../src/server/webhook-server.js';
import { dsseEnvelopeOf, verifyDsseWithKeys, verifySimpleSigning, COSIGN_SIGNATURE_ANNOTATION } from '../src/trust/keyed.js';
import { buildTrustSet, type TrustInput } from '../src/trust/material.js';
import { verifyNotarySignature, NOTARY_SIGNATURE_ARTIFACT } from '../src/trust/notary.js';
import { verifySigstoreBundle } from '../src/trust/sigstore-bundle.js';
import { CDX, CDX_PREDICATE, statement } from '../test/support/attachments.js';
import { corpusDir } from '../test/support/corpus.js';
import { startCountingProxy } from '../test/support/counting-proxy.js';
import { pushTinyImage, referrersTagOf, startLocalRegistry } from '../test/support/local-registry.js';
import { benchUid, podReview } from '../test/support/pod-review.js';
import { readBlob, readManifest, referrerLayer } from '../test/support/registry-read.js';
import { cosignAttest, cosignKeyPair, cosignSign, notaryPolicy, notationSign, notationTestSigner, orasAttach, removeKey } from '../test/support/signing-tools.js';
import { startSigstoreServices } from '../test/support/sigstore-services.js';
import { cpuPerCall, inject, median } from './lib/inject.js';

const { values: flags } = parseArgs({ options: { requests: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '7' }, out: { type: 'string', default: 'bench/results/trust.json' } } });
const REQUESTS = Number(flags.requests);
const ROUNDS = Number(flags.rounds);
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const REPO = 'bench/trusted';

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'aibom-bench-trust-'));
  const registry = await startLocalRegistry();
  const key = await cosignKeyPair('bench');
  const notary = await notationTestSigner('bench.test');
  const sigstore = await startSigstoreServices();
  const closers: (() => unknown)[] = [() => registry.stop(), () => removeKey(key), () => removeKey(notary), () => sigstore.stop(), () => rmSync(work, { recursive: true, force: true })];
  try {
    const ref = (digest: string) => `${registry.host}/${REPO}@${digest}`;
    const corpus = (name: string) => readFileSync(join(corpusDir, name), 'utf8');
    const boms = ['rhtpa__ibm-granite_granite-docling-258M_aibom.json', 'bom-examples-MLBOM-Model-Card-With-Dataset__bom.json', 'guac__alpine-cyclonedx.json'].map(corpus);
    console.log('setup: signing with cosign, notation and a loopback Sigstore …');

    // The cached Pod: 3 images, each BOM attested with the key (cosign ≥ 3 bundle referrer).
    const podImages: string[] = [];
    for (const [i, bom] of boms.entries()) {
      const image = await pushTinyImage(registry.url, REPO, `pod-${i}`);
      await cosignAttest(key, ref(image.digest), bom);
      podImages.push(ref(image.digest));
    }
    // One of each other carrier, for the verification loop and the uncached lookups.
    const legacy = await pushTinyImage(registry.url, REPO, 'legacy');
    await cosignAttest(key, ref(legacy.digest), boms[0]!, { legacy: true });
    const signedRef = await pushTinyImage(registry.url, REPO, 'signed-referrer');
    const artifact = await orasAttach(ref(signedRef.digest), CDX, boms[0]!);
    await cosignSign(key, ref(artifact), { legacy: true });
    const notaryImage = await pushTinyImage(registry.url, REPO, 'notary');
    const notaryArtifact = await orasAttach(ref(notaryImage.digest), CDX, boms[0]!);
    await notationSign(notary, ref(notaryArtifact));

    const inputs: TrustInput = {
      keys: [{ name: 'cosign.pub', pem: key.pub }],
      identities: [{ issuer: 'https://oidc.bench', subjectRegExp: '^https://ci\\.bench/' }],
      trustedRoots: [{ name: 'trusted_root.json', json: sigstore.trustedRoot }],
      notary: { policyJson: notaryPolicy(), stores: [{ type: 'ca', name: 'test', pem: notary.caPem }] },
    };
    const trust = buildTrustSet(inputs);

    // 1. First verification, CPU per signature.
    const podDigest = podImages[0]!.split('@')[1]!;
    const keyedBundle = JSON.parse((await referrerLayer(registry.url, REPO, podDigest, BUNDLE)).layer.toString('utf8')) as unknown;
    const keylessBundle = JSON.parse(await sigstore.signStatement(JSON.stringify(statement(podDigest, CDX_PREDICATE, JSON.parse(boms[0]!))), { issuer: 'https://oidc.bench', subject: 'https://ci.bench/release' })) as unknown;
    const att = (await readManifest(registry.url, REPO, `${referrersTagOf(legacy.digest)}.att`))!;
    const envelope = dsseEnvelopeOf(JSON.parse((await readBlob(registry.url, REPO, att.json.layers![0]!.digest)).toString('utf8')))!;
    const sig = (await readManifest(registry.url, REPO, `${referrersTagOf(artifact)}.sig`))!;
    const simple = { payload: await readBlob(registry.url, REPO, sig.json.layers![0]!.digest), signature: sig.json.layers![0]!.annotations?.[COSIGN_SIGNATURE_ANNOTATION] };
    const jws = await referrerLayer(registry.url, REPO, notaryArtifact, NOTARY_SIGNATURE_ARTIFACT);
    const now = new Date();
    const checks: [string, () => { ok: boolean } | undefined][] = [
      ['cosign simple signing (.sig), ECDSA P-256', () => verifySimpleSigning(simple, artifact, trust)],
      ['DSSE envelope (.att), ECDSA P-256', () => verifyDsseWithKeys(envelope, trust)],
      ['Sigstore bundle, key (cosign ≥ 3)', () => verifySigstoreBundle(keyedBundle, trust, { subjects: [podDigest] })],
      ['Sigstore bundle, keyless (chain, SCT, Rekor, TSA)', () => verifySigstoreBundle(keylessBundle, trust, { subjects: [podDigest] })],
      ['Notary JWS (RSA-2048 PS256), trust policy', () => verifyNotarySignature(jws.layer, jws.mediaType, trust.notary, { digest: notaryArtifact, scope: `${registry.host}/${REPO}`, now })],
    ];
    const verification: Record<string, number> = {};
    console.log('\n1. first verification, CPU µs per signature (median of rounds)');
    for (const [label, run] of checks) {
      const first = run();
      if (!first?.ok) throw new Error(`${label}: did not verify: ${JSON.stringify(first)}`);
      for (let i = 0; i < 50; i++) run();
      const us = median(await cpuPerCall(200, ROUNDS, run));
      verification[label] = Math.round(us);
      console.log(`   ${label.padEnd(52)} ${us.toFixed(0).padStart(7)} µs`);
    }

    // 2. Uncached lookups, trust off vs on: wall ms and registry requests.
    const proxy = await startCountingProxy(registry.url);
    closers.unshift(() => proxy.close());
    const config = applyRegistryFlags(loadConfig({ env: { AIBOM_DISCOVERY_SOURCES: 'registry', AIBOM_LOG_LEVEL: 'info' } }), { insecureRegistry: [registry.host, proxy.host] });
    const client = registryClientFromConfig(config);
    closers.unshift(() => client.close());
    const uncached: Record<string, { offMs: number; onMs: number; offRequests: number; onRequests: number }> = {};
    console.log('\n2. uncached lookup of one image (fresh lookup service each time), wall ms median; registry requests');
    const viaProxy = (digest: string) => `${proxy.host}/${REPO}@${digest}`;
    // One trust source per process, as in `aibom serve` (its set is built once, at the first lookup).
    const trustSource = createTrustSource(inputs);
    trustSource.current();
    for (const [label, image] of [['bundle attestation', viaProxy(podDigest)], ['legacy .att', viaProxy(legacy.digest)], ['referrer + .sig', viaProxy(signedRef.digest)], ['referrer + Notary', viaProxy(notaryImage.digest)]] as const) {
      const row = { offMs: 0, onMs: 0, offRequests: 0, onRequests: 0 };
      for (const mode of ['off', 'on'] as const) {
        const times: number[] = [];
        let requests = 0;
        for (let i = 0; i < ROUNDS * 3; i++) {
          const lookup = composeLookup(config, { client, trust: mode === 'on' ? trustSource : createTrustSource({}) }).lookup;
          proxy.resetCounts();
          const started = performance.now();
          const findings = await lookup(image, { signal: AbortSignal.timeout(10_000), purpose: 'mutate' });
          times.push(performance.now() - started);
          if (findings.status !== 'found') throw new Error(`${label}: ${findings.status} ${findings.detail}`);
          if (mode === 'on' && findings.boms[0]?.trust !== 'verified') throw new Error(`${label}: ${JSON.stringify(findings.boms[0]?.trust)} ${findings.boms[0]?.trustReason}`);
          requests = proxy.requests.length;
        }
        row[`${mode}Ms`] = Math.round(median(times) * 10) / 10;
        row[`${mode}Requests`] = requests;
      }
      uncached[label] = row;
      console.log(`   ${label.padEnd(22)} off ${row.offMs.toFixed(1).padStart(6)} ms, ${row.offRequests} requests   on ${row.onMs.toFixed(1).padStart(6)} ms, ${row.onRequests} requests`);
    }

    // 3. Cached /mutate, trust off vs on, interleaved.
    const log = createLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) });
    const certs = await generateDevCertificates(join(work, 'certs'), defaultServingNames('aibom-webhook', 'aibom-system'));
    const tls = await loadTlsMaterial(certs.serving.cert, certs.serving.key);
    const server = (withTrust: boolean) => {
      const prom = new Registry();
      const lookup = composeLookup(config, { client, metrics: createLookupMetrics(prom), onNote: () => undefined, trust: withTrust ? createTrustSource(inputs) : createTrustSource({}) }).lookup;
      const enforcement = createEnforcement({ config, log, registry: prom });
      closers.unshift(() => enforcement.stop());
      return createWebhookServer({ config, tls, lookup, settings: admissionSettings(config), log, metrics: createWebhookMetrics(prom), evaluatePolicy: enforcement.ports.evaluatePolicy, bypass: enforcement.ports.bypass, onDecision: enforcement.onDecision });
    };
    const body = Buffer.from(podReview(benchUid(1), podImages), 'utf8');
    const path = '/mutate?timeout=10s';
    const off = server(false);
    const on = server(true);
    for (const [name, s] of [['off', off], ['on', on]] as const) {
      const answer = (await inject(s.server, path, body)).toString('utf8');
      const patch = Buffer.from((JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { response: { patch: string } }).response.patch, 'base64').toString('utf8');
      const trusts = [...patch.matchAll(/\\"trust\\":\\"(\w+)\\"/g)].map((m) => m[1]);
      if (trusts.length !== 3 || !trusts.every((t) => t === (name === 'on' ? 'verified' : 'unsigned'))) throw new Error(`trust ${name}: ${trusts.join(',')}`);
      for (let i = 0; i < 3000; i++) await inject(s.server, path, body);
    }
    const offRounds: number[] = [];
    const onRounds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      offRounds.push(...(await cpuPerCall(REQUESTS, 1, () => inject(off.server, path, body))));
      onRounds.push(...(await cpuPerCall(REQUESTS, 1, () => inject(on.server, path, body))));
    }
    const offUs = median(offRounds);
    const onUs = median(onRounds);
    const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / median(xs);
    console.log(`\n3. cached /mutate, 3 containers with cosign-attested BOMs; ${REQUESTS} requests × ${ROUNDS} rounds, interleaved`);
    console.log(`   trust off (unsigned) ${offUs.toFixed(1)} µs CPU   rounds ${offRounds.map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`   trust on  (verified) ${onUs.toFixed(1)} µs CPU   rounds ${onRounds.map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`   on / off = ${(onUs / offUs).toFixed(3)}; round-to-round spread off ${(spread(offRounds) * 100).toFixed(1)} %, on ${(spread(onRounds) * 100).toFixed(1)} %`);

    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.split(' ').slice(0, 2).join(' '), node: process.version },
      setup: { rounds: ROUNDS, requests: REQUESTS, registry: 'Debian docker-registry (distribution 2.8), no referrers API: every referrers list is read through the sha256-<hex> tag', signatures: 'cosign v3 (keys from generate-key-pair, --tlog-upload=false), notation v1 (generate-test certificate), @sigstore/sign against @sigstore/mock on loopback' },
      firstVerificationCpuUs: verification,
      uncachedLookup: uncached,
      cachedMutate: { trustOffUs: round1(offUs), trustOnUs: round1(onUs), ratio: Math.round((onUs / offUs) * 1000) / 1000, offRounds: offRounds.map(round1), onRounds: onRounds.map(round1) },
    };
    writeFileSync(flags.out!, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwrote ${flags.out}`);
  } finally {
    for (const close of closers) await close();
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
