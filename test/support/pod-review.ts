// AdmissionReview bodies for load: the real `pod-create` fixture (what kube-apiserver sends for a
// `kubectl run`), with its containers replaced by one per image and a fresh uid.
import { readFileSync } from 'node:fs';

const template = readFileSync(new URL('../fixtures/admission/pod-create.json', import.meta.url), 'utf8');

interface PodReview {
  request: { uid: string; object: { spec: { containers: Record<string, unknown>[] } } };
}

/** The serialised AdmissionReview of a Pod CREATE whose containers run `images`. */
export function podReview(uid: string, images: readonly string[]): string {
  const review = JSON.parse(template) as PodReview;
  review.request.uid = uid;
  const first = review.request.object.spec.containers[0]!;
  review.request.object.spec.containers = images.map((image, i) => ({ ...first, name: i === 0 ? 'server' : `side-${i}`, image }));
  return JSON.stringify(review);
}

/** A uid that looks like the apiserver's (a UUID), numbered for matching answers to requests. */
export function benchUid(n: number): string {
  const hex = n.toString(16).padStart(12, '0').slice(-12);
  return `00000000-0000-4000-8000-${hex}`;
}
