// Shared by the hostile-world suite: the real webhook service in this process (real TLS, real
// certificates from openssl), a keep-alive HTTPS client like the apiserver's, and the checks every
// answer must pass whatever was sent.
import { expect } from 'chai';
import { Agent } from 'node:https';
import { Registry } from 'prom-client';
import { decodePatch, post, type HttpsReply } from '../../scripts/lib/admission-client.js';
import type { ImageLookup } from '../../src/contracts/lookup.js';
import type { Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/server/log.js';
import { startService, type RunningService } from '../../src/server/service.js';
import { tempDir, testCertificates, testConfig } from '../support/server.js';

export interface HostileServer {
  service: RunningService;
  config: Config;
  ca: Buffer;
  agent: Agent;
  metrics: Registry;
  send(path: string, body: string | Buffer, timeoutMs?: number): Promise<HttpsReply>;
  stop(): Promise<void>;
}

export async function startHostileServer(lookup: (config: Config) => ImageLookup, overrides: Record<string, unknown> = {}): Promise<HostileServer> {
  const tmp = tempDir('hostile');
  const certs = await testCertificates(tmp.dir);
  const config = testConfig(overrides);
  const metrics = new Registry();
  const service = await startService({ config, tlsCertFile: certs.serving.cert, tlsKeyFile: certs.serving.key, lookup: lookup(config), log: silentLogger(), registry: metrics });
  const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: certs.caBytes });
  return {
    service,
    config,
    ca: certs.caBytes,
    agent,
    metrics,
    send: (path, body, timeoutMs = 15_000) => post({ port: service.webhook.port, path, ca: certs.caBytes, body, agent, timeoutMs }),
    async stop() {
      agent.destroy();
      await service.shutdown('test over', 0);
      tmp.remove();
    },
  };
}

interface ReviewAnswer {
  apiVersion?: unknown;
  kind?: unknown;
  response?: { uid?: unknown; allowed?: unknown; patch?: unknown; patchType?: unknown; warnings?: unknown; status?: unknown };
}

/**
 * Whatever was sent, the answer is either a refusal (4xx) carrying a `Status` with a message, or a
 * valid AdmissionReview v1 response for the request's uid: `patchType` exactly when `patch`, and
 * the patch decodes to a JSON Patch array. Returns a description of what is wrong, or undefined.
 */
export function answerProblem(reply: HttpsReply, sentUid: unknown): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(reply.body);
  } catch {
    return `HTTP ${reply.status} with a body that is not JSON: ${reply.body.slice(0, 120)}`;
  }
  if (reply.status >= 400 && reply.status < 500) {
    const s = body as { kind?: unknown; code?: unknown; message?: unknown };
    if (s.kind !== 'Status' || s.code !== reply.status || typeof s.message !== 'string' || s.message.length === 0) return `HTTP ${reply.status} without a Status message`;
    return undefined;
  }
  if (reply.status !== 200) return `HTTP ${reply.status}: ${reply.body.slice(0, 200)}`;
  const review = body as ReviewAnswer;
  if (review.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') return 'not an AdmissionReview v1';
  const r = review.response;
  if (!r || typeof r.uid !== 'string' || r.uid.length === 0) return 'response without a uid';
  if (typeof sentUid === 'string' && r.uid !== sentUid) return `uid ${r.uid} is not the request's ${sentUid}`;
  if (typeof r.allowed !== 'boolean') return 'response without allowed';
  if ((r.patch === undefined) !== (r.patchType === undefined)) return 'patchType without patch or patch without patchType';
  if (r.patch !== undefined) {
    if (r.patchType !== 'JSONPatch' || typeof r.patch !== 'string') return 'patch is not a base64 JSONPatch';
    let ops: unknown;
    try {
      ops = decodePatch(r.patch);
    } catch {
      return 'patch does not decode to JSON';
    }
    if (!Array.isArray(ops) || !ops.every((op) => op !== null && typeof op === 'object' && typeof (op as { op?: unknown }).op === 'string' && typeof (op as { path?: unknown }).path === 'string')) return 'patch is not a JSON Patch array';
  }
  return undefined;
}

export function expectNoProblems(problems: string[], what: string): void {
  expect(problems, `${what}: ${problems.length} bad answers, e.g. ${problems.slice(0, 3).join(' | ')}`).to.deep.equal([]);
}
