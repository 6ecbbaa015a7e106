// Fuzzed AdmissionReviews over real TLS at the real webhook: arbitrary JSON, real fixtures with one
// value replaced by something hostile (strings, deep nesting, huge arrays, `__proto__` keys), and raw
// garbage bytes. Gates on counts: zero answers that are neither a 4xx Status with a message nor a
// valid AdmissionReview v1 response for the request's uid; the server keeps serving; no prototype
// is polluted.
import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { standardLookup } from '../support/world.js';
import { answerProblem, expectNoProblems, startHostileServer, type HostileServer } from './support.js';

const fixtureDir = new URL('../fixtures/admission/', import.meta.url);
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith('.json')).map((f) => readFileSync(new URL(f, fixtureDir), 'utf8'));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path into a JSON value (objects and arrays), the root included. */
function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

/** Sets `path` in `root` (a fresh parse) to `value`; the root path replaces the whole document. */
function setAt(root: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  let node = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path[path.length - 1]!] = value;
  return root;
}

/**
 * Deep nesting is spliced in as text: building (or stringifying) a 5,000-deep value would overflow
 * the test's own stack. The marker string is replaced in the serialised body.
 */
const DEEP = /"@@deep:(array|object):(\d+)@@"/g;
function deepText(kind: string, depth: number): string {
  return kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const hostileString = fc.oneof(
  fc.constantFrom(
    '', ' ', '\u0000', '\ud800', '\udfff\ud800', '\u202e', '../../etc/passwd', '%2e%2e%2f', '${jndi:ldap://127.0.0.1/x}',
    '__proto__', 'constructor', 'prototype', 'toString', 'CREATE', 'Pod', 'admission.k8s.io/v1', 'AdmissionReview',
    'nginx', '127.0.0.1:5000/ml/granite-docling-server:1.0', `127.0.0.1:5000/a@sha256:${'g'.repeat(64)}`, `x@sha256:${'0'.repeat(64)}`,
    'a'.repeat(70_000), `${'a/'.repeat(200)}b`, 'UPPER/Case:Tag', 'ünïcødé/ímage:tag', '\\"quoted\\"', '{"not":"json"}',
  ),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
);

const protoValue: fc.Arbitrary<Json> = fc.constantFrom(
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":{"polluted":"yes"},"aibom.io/ai-bearing":"true","app":"x"}',
  '[{"__proto__":{"polluted":"yes"},"name":"c","image":"nginx"}]',
).map((t) => JSON.parse(t) as Json);

const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1e308, -0, 2 ** 53 + 1, 0.5, true, false, null) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 200, max: 5000 }), fc.constantFrom('array', 'object')).map(([d, k]): Json => `@@deep:${k}:${d}@@`) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i): Json => ({ name: `c${i}`, image: i % 2 ? 'nginx' : '127.0.0.1:5000/ml/granite-docling-server:1.0' }))) },
  { weight: 2, arbitrary: protoValue },
);

/** A real fixture with one value (anywhere, the root included) replaced by a hostile one. */
const mutatedFixture = fc.tuple(fc.nat({ max: fixtures.length - 1 }), fc.nat(), hostileValue).map(([f, p, value]) => {
  const doc = JSON.parse(fixtures[f]!) as Json;
  const paths = pathsOf(doc);
  const path = paths[p % paths.length]!;
  const mutated = setAt(doc, path, value);
  const body = JSON.stringify(mutated).replace(DEEP, (_m, kind: string, depth: string) => deepText(kind, Number(depth)));
  const uid = mutated !== null && typeof mutated === 'object' && !Array.isArray(mutated) ? (mutated.request as { uid?: unknown } | null)?.uid : undefined;
  return { body, uid, what: `${path.join('.')}` };
});

describe('hostile world: fuzzed AdmissionReviews over real TLS', function () {
  this.timeout(120_000);
  let server: HostileServer;

  before(async () => {
    server = await startHostileServer(() => standardLookup().lookup);
  });
  after(async () => {
    await server?.stop();
  });

  async function check(bodies: fc.Arbitrary<{ body: string | Buffer; uid?: unknown; what?: string }>, numRuns: number, label: string): Promise<void> {
    const problems: string[] = [];
    const endpoints = ['/mutate?timeout=5s', '/validate?timeout=5s'];
    let n = 0;
    await fc.assert(
      fc.asyncProperty(bodies, async (c) => {
        const path = endpoints[n++ % 2]!;
        const reply = await server.send(path, c.body);
        const problem = answerProblem(reply, c.uid);
        if (problem) problems.push(`${path} ${c.what ?? ''}: ${problem}`);
      }),
      { numRuns, seed: Number(process.env.AIBOM_FUZZ_SEED ?? 0x9a1b) ^ label.length, endOnFailure: true },
    );
    expectNoProblems(problems, label);
  }

  it('answers arbitrary JSON and garbage bytes with a 4xx Status or a valid review', async () => {
    const arbitrary = fc.oneof(
      fc.jsonValue({ maxDepth: 5 }).map((v) => ({ body: JSON.stringify(v) ?? 'null' })),
      fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((b) => ({ body: Buffer.from(b) })),
      fc.record({ apiVersion: fc.constantFrom('admission.k8s.io/v1', 'admission.k8s.io/v1beta1', 'v1'), kind: fc.constantFrom('AdmissionReview', 'Pod'), request: fc.jsonValue({ maxDepth: 3 }) }).map((v) => ({ body: JSON.stringify(v) })),
    );
    await check(arbitrary, 400, 'arbitrary');
  });

  it('answers real fixtures with a hostile value anywhere: never a 5xx, never an invalid review', async () => {
    await check(mutatedFixture, 1000, 'mutated fixtures');
  });

  it('keeps serving afterwards, with no prototype polluted', async () => {
    const body = fixtures.find((f) => f.includes('"kind": "Pod"') && f.includes('"operation": "CREATE"'))!;
    const reply = await server.send('/mutate', body);
    expect(answerProblem(reply, (JSON.parse(body) as { request: { uid: string } }).request.uid)).to.equal(undefined);
    expect(reply.status).to.equal(200);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect((Object.prototype as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
