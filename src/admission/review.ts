// AdmissionReview admission.k8s.io/v1: parse untrusted JSON once into typed values.
// Fields: k8s.io/api admission/v1/types.go (Kubernetes "Dynamic Admission Control": request and response).
import type { AdmissionRequest, AdmissionReview, GroupVersionKind, GroupVersionResource, Operation, UserInfo } from '../contracts/admission-review.js';
import { isRecord } from '../contracts/json-guards.js';

export class ReviewParseError extends Error {
  override name = 'ReviewParseError';
}

const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** Parse an already-`JSON.parse`d AdmissionReview; throws ReviewParseError naming the field. */
export function parseAdmissionReview(value: unknown): AdmissionReview {
  if (!isRecord(value)) throw new ReviewParseError('AdmissionReview must be a JSON object');
  if (value.kind !== 'AdmissionReview') throw new ReviewParseError(`kind must be "AdmissionReview", got ${describe(value.kind)}`);
  if (value.apiVersion !== 'admission.k8s.io/v1') {
    throw new ReviewParseError(`apiVersion must be "admission.k8s.io/v1", got ${describe(value.apiVersion)} (only v1 is supported; set admissionReviewVersions: [v1])`);
  }
  const req = value.request;
  if (!isRecord(req)) throw new ReviewParseError('request must be an object');
  const uid = req.uid;
  if (typeof uid !== 'string' || uid.length === 0) throw new ReviewParseError('request.uid must be a non-empty string');
  const operation = req.operation;
  if (typeof operation !== 'string' || !OPERATIONS.includes(operation as Operation)) {
    throw new ReviewParseError(`request.operation must be one of ${OPERATIONS.join(', ')}, got ${describe(operation)}`);
  }
  const kind = parseGvk(req.kind, 'request.kind');
  const resource = parseGvr(req.resource, 'request.resource');
  const request: AdmissionRequest = {
    uid,
    kind,
    resource,
    name: optionalString(req.name, 'request.name') ?? '',
    namespace: optionalString(req.namespace, 'request.namespace') ?? '',
    operation: operation as Operation,
    userInfo: parseUserInfo(req.userInfo),
    dryRun: req.dryRun === true,
  };
  const subResource = optionalString(req.subResource, 'request.subResource');
  if (subResource) request.subResource = subResource;
  if (req.requestKind !== undefined && req.requestKind !== null) request.requestKind = parseGvk(req.requestKind, 'request.requestKind');
  if (req.requestResource !== undefined && req.requestResource !== null) request.requestResource = parseGvr(req.requestResource, 'request.requestResource');
  const requestSubResource = optionalString(req.requestSubResource, 'request.requestSubResource');
  if (requestSubResource) request.requestSubResource = requestSubResource;
  if (req.object !== undefined && req.object !== null) {
    if (!isRecord(req.object)) throw new ReviewParseError('request.object must be an object');
    request.object = req.object;
  }
  if (req.oldObject !== undefined && req.oldObject !== null) {
    if (!isRecord(req.oldObject)) throw new ReviewParseError('request.oldObject must be an object');
    request.oldObject = req.oldObject;
  }
  if ((operation === 'CREATE' || operation === 'UPDATE') && !request.object) {
    throw new ReviewParseError(`request.object is required for ${operation}`);
  }
  if (req.options !== undefined) request.options = req.options;
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}

/** Best effort: the request uid of something that failed to parse, so an error answer can carry it. */
export function peekRequestUid(value: unknown): string | undefined {
  if (!isRecord(value) || !isRecord(value.request)) return undefined;
  const uid = value.request.uid;
  return typeof uid === 'string' ? uid : undefined;
}

function parseGvk(value: unknown, field: string): GroupVersionKind {
  if (!isRecord(value)) throw new ReviewParseError(`${field} must be an object`);
  const kind = value.kind;
  if (typeof kind !== 'string' || kind.length === 0) throw new ReviewParseError(`${field}.kind must be a non-empty string`);
  return { group: optionalString(value.group, `${field}.group`) ?? '', version: optionalString(value.version, `${field}.version`) ?? '', kind };
}

function parseGvr(value: unknown, field: string): GroupVersionResource {
  if (!isRecord(value)) throw new ReviewParseError(`${field} must be an object`);
  const resource = value.resource;
  if (typeof resource !== 'string' || resource.length === 0) throw new ReviewParseError(`${field}.resource must be a non-empty string`);
  return { group: optionalString(value.group, `${field}.group`) ?? '', version: optionalString(value.version, `${field}.version`) ?? '', resource };
}

function parseUserInfo(value: unknown): UserInfo {
  if (value === undefined || value === null) return { username: '', groups: [] };
  if (!isRecord(value)) throw new ReviewParseError('request.userInfo must be an object');
  const info: UserInfo = {
    username: optionalString(value.username, 'request.userInfo.username') ?? '',
    groups: stringArray(value.groups, 'request.userInfo.groups'),
  };
  const uid = optionalString(value.uid, 'request.userInfo.uid');
  if (uid) info.uid = uid;
  if (isRecord(value.extra)) {
    const extra: Record<string, string[]> = {};
    for (const [key, v] of Object.entries(value.extra)) {
      if (Array.isArray(v)) extra[key] = v.filter((s): s is string => typeof s === 'string');
    }
    info.extra = extra;
  }
  return info;
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ReviewParseError(`${field} must be a string`);
  return value;
}

function stringArray(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new ReviewParseError(`${field} must be an array of strings`);
  return value as string[];
}


function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
