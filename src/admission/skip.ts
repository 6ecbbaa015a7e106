// Ordered, named predicates for "should this request be looked at at all". Pure.
import { isRecord } from '../contracts/json-guards.js';
import { type AdmissionRequest } from '../contracts/admission-review.js';
import { getPath, workloadKindOf } from '../contracts/workload.js';

export interface SkipSettings {
  excludedNamespaces: readonly string[];
  /** Namespaces labelled `<prefix>/webhook: disabled`, when the edge knows them. */
  isNamespaceOptedOut?: (namespace: string) => boolean;
}

type SkipRule = (req: AdmissionRequest, settings: SkipSettings) => string | undefined;

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

const rules: readonly SkipRule[] = [
  function deleteOrConnect(req) {
    return req.operation === 'DELETE' || req.operation === 'CONNECT' ? `operation ${req.operation} is not reviewed` : undefined;
  },
  function unhandledSubresource(req) {
    if (!req.subResource) return undefined;
    if (req.resource.resource === 'pods' && req.subResource === 'ephemeralcontainers') return undefined;
    return `subresource ${req.resource.resource}/${req.subResource} is not reviewed`;
  },
  function unhandledKind(req) {
    if (workloadKindOf(req.kind)) return undefined;
    const group = req.kind.group ? `${req.kind.group}/` : '';
    return `kind ${group}${req.kind.kind} carries no pod spec we handle`;
  },
  function excludedNamespace(req, settings) {
    return req.namespace && settings.excludedNamespaces.includes(req.namespace) ? `namespace ${req.namespace} is excluded` : undefined;
  },
  function optedOutNamespace(req, settings) {
    return req.namespace && settings.isNamespaceOptedOut?.(req.namespace) ? `namespace ${req.namespace} opted out` : undefined;
  },
  function mirrorPod(req) {
    // The kubelet creates mirror pods for static pods; it may not change them, and neither may we.
    if (req.kind.kind !== 'Pod') return undefined;
    const annotations = getPath(req.object ?? req.oldObject, ['metadata', 'annotations']);
    return isRecord(annotations) && Object.prototype.hasOwnProperty.call(annotations, MIRROR_POD_ANNOTATION) ? 'mirror pods are managed by the kubelet' : undefined;
  },
  function nothingToReview(req) {
    return req.object ? undefined : 'the request carries no object';
  },
];

/** The reason to skip, or undefined when the request must be reviewed. */
export function skipReason(req: AdmissionRequest, settings: SkipSettings): string | undefined {
  for (const rule of rules) {
    const reason = rule(req, settings);
    if (reason) return reason;
  }
  return undefined;
}
