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
    // But the annotation proves nothing: any user who may create Pods can write it (the apiserver
    // only requires spec.nodeName), and may change a mirror pod's image later (docs/mirror-pods.md,
    // measured on kube-apiserver v1.37.2). What the apiserver does guarantee is who sends the
    // request: a node's kubelet authenticates as system:node:<name> in group system:nodes, which no
    // user can claim without the impersonate right. So only a node's own request for a mirror pod
    // bound to that node is skipped; anyone else's is reviewed like any Pod.
    if (req.kind.kind !== 'Pod') return undefined;
    const object = req.object ?? req.oldObject;
    const annotations = getPath(object, ['metadata', 'annotations']);
    if (!isRecord(annotations) || !Object.prototype.hasOwnProperty.call(annotations, MIRROR_POD_ANNOTATION)) return undefined;
    const node = requestingNode(req);
    return node !== undefined && getPath(object, ['spec', 'nodeName']) === node ? `mirror pod of node ${node}, written by its kubelet` : undefined;
  },
  function nothingToReview(req) {
    return req.object ? undefined : 'the request carries no object';
  },
];

const NODE_USER_PREFIX = 'system:node:';
const NODES_GROUP = 'system:nodes';

/** The node a request comes from: `system:node:<name>` in group `system:nodes` (the Node authorizer's identity). */
export function requestingNode(req: Pick<AdmissionRequest, 'userInfo'>): string | undefined {
  const { username, groups } = req.userInfo;
  if (!username.startsWith(NODE_USER_PREFIX) || !groups.includes(NODES_GROUP)) return undefined;
  const name = username.slice(NODE_USER_PREFIX.length);
  return name.length > 0 ? name : undefined;
}

/** The reason to skip, or undefined when the request must be reviewed. */
export function skipReason(req: AdmissionRequest, settings: SkipSettings): string | undefined {
  for (const rule of rules) {
    const reason = rule(req, settings);
    if (reason) return reason;
  }
  return undefined;
}
