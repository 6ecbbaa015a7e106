// Which kinds carry a pod spec, where it lives, and whether a workload is top-level or owned.
// Paths: k8s.io/api core/v1, apps/v1, batch/v1.
import { isRecord } from './json-guards.js';
import { type KubeObject } from './admission-review.js';
import { isServingKind, SERVING_GROUPS, SERVING_KINDS, servingView } from './serving.js';

/** Pod-owning workloads, then the serving platforms' CRs (contracts/serving.ts: their pod spec is synthesised). */
export const POD_WORKLOAD_KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;
/** The built-in kinds that carry a pod spec (core/v1, apps/v1, batch/v1): what the inventory lists. */
export type PodWorkloadKind = (typeof POD_WORKLOAD_KINDS)[number];
export const WORKLOAD_KINDS = [...POD_WORKLOAD_KINDS, ...SERVING_KINDS] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

/** The API group each handled kind lives in: a CRD that happens to be called `Deployment` is not ours. */
export const WORKLOAD_GROUPS: Readonly<Record<WorkloadKind, string>> = {
  Pod: '',
  ReplicationController: '',
  Deployment: 'apps',
  ReplicaSet: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  Job: 'batch',
  CronJob: 'batch',
  ...SERVING_GROUPS,
};

/** The handled kind of a request's `kind` (group + kind), or undefined. */
export function workloadKindOf(gvk: { group: string; kind: string }): WorkloadKind | undefined {
  return isWorkloadKind(gvk.kind) && WORKLOAD_GROUPS[gvk.kind] === gvk.group ? gvk.kind : undefined;
}

/** JSON path (as keys) from the object root to its pod template (`metadata` + `spec`); [] for a Pod itself. */
export function podTemplatePath(kind: WorkloadKind): string[] {
  if (isServingKind(kind)) return [];
  switch (kind) {
    case 'Pod':
      return [];
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template'];
    default:
      return ['spec', 'template'];
  }
}

export function getPath(root: unknown, path: readonly string[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** The pod spec of a workload object, or undefined when absent or malformed. */
export function podSpecOf(kind: WorkloadKind, object: KubeObject | undefined): Record<string, unknown> | undefined {
  if (!object) return undefined;
  if (isServingKind(kind)) return servingView(kind, object).podSpec;
  const spec = getPath(object, [...podTemplatePath(kind), 'spec']);
  return isRecord(spec) ? spec : undefined;
}

/** Metadata of the pod template (or of the Pod itself). */
export function podMetadataOf(kind: WorkloadKind, object: KubeObject | undefined): Record<string, unknown> | undefined {
  if (!object) return undefined;
  const meta = getPath(object, [...podTemplatePath(kind), 'metadata']);
  return isRecord(meta) ? meta : undefined;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
}

export function ownerReferences(object: KubeObject | undefined): OwnerReference[] {
  const refs = getPath(object, ['metadata', 'ownerReferences']);
  if (!Array.isArray(refs)) return [];
  return refs.filter(isRecord).map((r) => ({
    apiVersion: typeof r.apiVersion === 'string' ? r.apiVersion : '',
    kind: typeof r.kind === 'string' ? r.kind : '',
    name: typeof r.name === 'string' ? r.name : '',
    uid: typeof r.uid === 'string' ? r.uid : '',
    controller: r.controller === true,
  }));
}

/** The controller owner when it is a kind we handle (Deployment → ReplicaSet, CronJob → Job, …). */
export function handledController(object: KubeObject | undefined): OwnerReference | undefined {
  return ownerReferences(object).find((r) => r.controller && isWorkloadKind(r.kind));
}

/** The controller owner of any kind (ours, or an operator's custom resource). */
export function controllerOf(object: KubeObject | undefined): OwnerReference | undefined {
  return ownerReferences(object).find((r) => r.controller);
}

/**
 * Top-level workloads get their pod template labelled; owned ones get metadata only (docs/labels-and-annotations.md
 * "Where patches go"). Stricter than "a kind we handle": a template is never patched under ANY
 * controller, because every controller that reconciles its child's template (the Deployment and
 * CronJob controllers, Argo Rollouts, KServe, operators) would see our labels as drift and either
 * churn new ReplicaSets or strip them again with a rollout. Their pods are still labelled at Pod
 * admission.
 */
export function isTopLevel(object: KubeObject | undefined): boolean {
  return controllerOf(object) === undefined;
}

export function objectName(object: KubeObject | undefined, fallbackName: string): string {
  const name = getPath(object, ['metadata', 'name']);
  if (typeof name === 'string' && name.length > 0) return name;
  if (fallbackName) return fallbackName;
  const generateName = getPath(object, ['metadata', 'generateName']);
  if (typeof generateName === 'string' && generateName.length > 0) return `${generateName}*`;
  return '';
}

export function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

export type ImageSlot = 'container' | 'initContainer' | 'ephemeralContainer' | 'volume';

export interface ImageUse {
  /** Position in the workload's image list (containers, then init, ephemeral, volumes). */
  index: number;
  slot: ImageSlot;
  /** Container name, or volume name for image volumes. */
  container: string;
  /** The image as written in the spec. */
  image: string;
  /** Normalised reference; absent when the reference does not parse. */
  normalized?: string;
  /** Why the reference did not parse. */
  invalid?: string;
  /** For an image (or ModelPack CSI) volume: the containers that mount it, in pod-spec order. */
  mountedBy?: string[];
}
