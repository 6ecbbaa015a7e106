// The one AdmissionReview builder of the tests: an `admission.k8s.io/v1` AdmissionReview shaped as
// kube-apiserver sends it (compare test/fixtures/admission/*.json, recorded from a real apiserver):
// kind and resource with their group, requestKind and requestResource, the object's name and
// namespace, userInfo with groups, the CreateOptions / UpdateOptions object, dryRun, and oldObject on
// UPDATE. Suites that need one shape of object build it and hand it in.

/** API group of each workload kind the webhook reviews (its resource is the lower-case plural). */
const GROUP_OF: Record<string, string> = {
  Pod: '', ReplicationController: '', Deployment: 'apps', ReplicaSet: 'apps', StatefulSet: 'apps', DaemonSet: 'apps', Job: 'batch', CronJob: 'batch',
};

export interface ReviewOptions {
  uid?: string;
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  /** Defaults to the object's metadata.namespace, else `default`. */
  namespace?: string;
  user?: string;
  userUid?: string;
  /** Defaults to `['system:authenticated']`, as the apiserver adds it to every authenticated user. */
  groups?: string[];
  extra?: Record<string, string[]>;
  dryRun?: boolean;
  /** The object before an UPDATE; defaults to the object itself on UPDATE. */
  oldObject?: Record<string, unknown>;
  subResource?: string;
  /** For kinds the table above does not know, or to override it. */
  group?: string;
}

const DEFAULT_UID = '00000000-0000-4000-8000-000000000001';

/** The AdmissionReview (as a plain object) for `object` under `options`. */
export function admissionReview(object: Record<string, unknown>, options: ReviewOptions = {}): Record<string, unknown> {
  const kind = String(object.kind ?? 'Pod');
  const group = options.group ?? GROUP_OF[kind] ?? '';
  const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
  const operation = options.operation ?? 'CREATE';
  const gvk = { group, version: 'v1', kind };
  const gvr = { group, version: 'v1', resource: `${kind.toLowerCase()}s` };
  const userInfo: Record<string, unknown> = { username: options.user ?? 'alice', groups: options.groups ?? ['system:authenticated'] };
  if (options.userUid) userInfo.uid = options.userUid;
  if (options.extra) userInfo.extra = options.extra;
  const request: Record<string, unknown> = {
    uid: options.uid ?? DEFAULT_UID,
    kind: gvk,
    resource: gvr,
    requestKind: gvk,
    requestResource: gvr,
    name: metadata.name ?? '',
    namespace: options.namespace ?? metadata.namespace ?? 'default',
    operation,
    userInfo,
    object,
    dryRun: options.dryRun ?? false,
  };
  if (options.subResource) request.subResource = options.subResource;
  if (operation === 'UPDATE') request.oldObject = options.oldObject ?? object;
  if (operation === 'CREATE' || operation === 'UPDATE') {
    request.options = { kind: operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions', apiVersion: 'meta.k8s.io/v1', fieldManager: 'kubectl-client-side-apply', fieldValidation: 'Strict' };
  }
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}

/** A bare Pod whose containers run `images` (named `c`, `c1`, … unless names are given). */
export function podObject(name: string, images: readonly string[], namespace?: string, containerNames?: readonly string[]): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name };
  if (namespace) metadata.namespace = namespace;
  const containers = images.map((image, i) => ({ name: containerNames?.[i] ?? (i === 0 ? 'c' : `c${i}`), image }));
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers } };
}

/** The serialised AdmissionReview of a Pod CREATE running `images`. */
export function podReviewBody(name: string, images: readonly string[], options: ReviewOptions & { containerNames?: readonly string[] } = {}): string {
  return JSON.stringify(admissionReview(podObject(name, images, undefined, options.containerNames), options));
}
