// A tiny admission webhook of the tests' own (node:https on loopback, certificate from the cluster's
// CA), registered by clientConfig.url like ours: it records every AdmissionReview it gets and answers
// with what `respond` says (allow, optionally with a JSON Patch). Used as the second mutating webhook
// (a sidecar injector, for reinvocation), as a recorder of userInfo, and as the bench's bare webhook.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { issue } from '../../../scripts/cluster/pki.js';
import type { ClusterState } from '../../../scripts/cluster/cluster.js';

export interface Review {
  request: { uid: string; kind: { kind: string }; operation: string; namespace?: string; name?: string; subResource?: string; userInfo: { username: string; groups?: string[] }; object?: { metadata?: { annotations?: Record<string, string>; name?: string; generateName?: string }; spec?: { containers?: Array<{ name: string; image: string }> } } };
}

export interface TestWebhook {
  url: string;
  reviews: Review[];
  caBundle: string;
  close(): Promise<void>;
}

export type Respond = (review: Review) => { patch?: unknown[] } | undefined;

export async function startTestWebhook(state: ClusterState, name: string, respond: Respond = () => undefined): Promise<TestWebhook> {
  const pair = issue(state.pki.ca, join(state.stateDir, 'test-webhooks'), name, { cn: name, sans: ['IP:127.0.0.1'] });
  const reviews: Review[] = [];
  const server: Server = createServer({ cert: readFileSync(pair.cert), key: readFileSync(pair.key), minVersion: 'TLSv1.2' }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const review = JSON.parse(body) as Review;
      reviews.push(review);
      const answer = respond(review);
      const response: Record<string, unknown> = { uid: review.request.uid, allowed: true };
      if (answer?.patch) {
        response.patchType = 'JSONPatch';
        response.patch = Buffer.from(JSON.stringify(answer.patch)).toString('base64');
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    reviews,
    caBundle: readFileSync(state.pki.ca.cert).toString('base64'),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A webhook configuration for a test webhook: pods in namespaces labelled `selector`. */
export function webhookConfiguration(kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration', name: string, hook: TestWebhook, selector: Record<string, string>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name },
    webhooks: [{
      name: `${name}.e2e.aibom.io`,
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      failurePolicy: 'Fail',
      timeoutSeconds: 5,
      clientConfig: { url: `${hook.url}/`, caBundle: hook.caBundle },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
      namespaceSelector: { matchLabels: selector },
      ...extra,
    }],
  });
}
