// Serving platforms' custom resources (docs/model-artifacts.md "Serving platforms"): where each names
// its model and its containers, as a pod spec the rest of the webhook already reads. Pure.
//   KServe InferenceService (serving.kserve.io/v1beta1): spec.{predictor,transformer,explainer} are
//     pod specs plus `model.{modelFormat,runtime,storageUri,storage}` (or a framework key such as
//     `sklearn.storageUri`); ServingRuntime / ClusterServingRuntime (v1alpha1): spec is a pod spec;
//     LLMInferenceService (v1alpha1/v1alpha2): spec.model.uri, spec.template (+ worker, prefill.template)
//   KAITO Workspace (kaito.sh/v1alpha1, v1beta1): inference.preset.name, inference.template
//   Seldon Core v2 Model (mlops.seldon.io/v1alpha1): spec.storageUri
// `oci://`, `oci+native://`, `modelpack://` and `kit://` sources become image volumes mounted by the
// component's container (looked up like any image); other sources are returned for the spec models.
import { isRecord } from './json-guards.js';
import type { KubeObject } from './admission-review.js';
import { parseModelUri } from './model-uri.js';

export const SERVING_KINDS = ['InferenceService', 'ServingRuntime', 'ClusterServingRuntime', 'LLMInferenceService', 'Workspace', 'Model'] as const;
export type ServingKind = (typeof SERVING_KINDS)[number];

export const SERVING_GROUPS: Readonly<Record<ServingKind, string>> = {
  InferenceService: 'serving.kserve.io',
  ServingRuntime: 'serving.kserve.io',
  ClusterServingRuntime: 'serving.kserve.io',
  LLMInferenceService: 'serving.kserve.io',
  Workspace: 'kaito.sh',
  Model: 'mlops.seldon.io',
};

export function isServingKind(kind: string): kind is ServingKind {
  return (SERVING_KINDS as readonly string[]).includes(kind);
}

/** A model source a CR names that is not an image: recorded as a spec model of `container`. */
export interface ServingSource {
  container: string;
  uri: string;
  /** `storage-uri` (a URI), `kaito-preset` (a preset name). */
  via: 'storage-uri' | 'kaito-preset';
}

export interface ServingView {
  podSpec: Record<string, unknown>;
  sources: ServingSource[];
}

const KSERVE_FRAMEWORKS = ['sklearn', 'xgboost', 'tensorflow', 'pytorch', 'triton', 'onnx', 'huggingface', 'lightgbm', 'paddle', 'pmml', 'pytorchserve', 'model'];
const IMAGE_SCHEMES = new Set(['oci', 'oci+native', 'modelpack', 'kit']);

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord).slice(0, 200) : [];
}

class Builder {
  readonly containers: Record<string, unknown>[] = [];
  readonly initContainers: Record<string, unknown>[] = [];
  readonly volumes: Record<string, unknown>[] = [];
  readonly pullSecrets: Record<string, unknown>[] = [];
  readonly sources: ServingSource[] = [];

  /** A pod-spec-shaped part (containers, initContainers, volumes, imagePullSecrets). */
  podSpec(spec: unknown): void {
    if (!isRecord(spec)) return;
    this.containers.push(...list(spec.containers));
    this.initContainers.push(...list(spec.initContainers));
    this.volumes.push(...list(spec.volumes));
    this.pullSecrets.push(...list(spec.imagePullSecrets));
  }

  /** A model source used by `container` (named after the component). */
  source(container: string, uri: unknown, from?: Record<string, unknown>): void {
    if (typeof uri !== 'string' || uri.length === 0) return;
    const parsed = parseModelUri(uri);
    const entry: Record<string, unknown> = { name: container };
    // The model container of a KServe component is a container spec (image, args, env, …).
    for (const key of ['image', 'command', 'args', 'env', 'resources']) if (from?.[key] !== undefined) entry[key] = from[key];
    if (IMAGE_SCHEMES.has(parsed.scheme) && parsed.image) {
      const volume = `${container}-model`;
      this.volumes.push({ name: volume, image: { reference: parsed.image } });
      entry.volumeMounts = [{ name: volume, mountPath: '/mnt/models', readOnly: true }];
    } else {
      this.sources.push({ container, uri, via: 'storage-uri' });
    }
    this.containers.push(entry);
  }

  view(): ServingView {
    const podSpec: Record<string, unknown> = { containers: this.containers };
    if (this.initContainers.length > 0) podSpec.initContainers = this.initContainers;
    if (this.volumes.length > 0) podSpec.volumes = this.volumes;
    if (this.pullSecrets.length > 0) podSpec.imagePullSecrets = this.pullSecrets;
    return { podSpec, sources: this.sources };
  }
}

/** The pod spec a serving CR amounts to, and the model sources that are not images. */
export function servingView(kind: ServingKind, object: KubeObject | undefined): ServingView {
  const b = new Builder();
  const spec = isRecord(object?.spec) ? object.spec : {};
  switch (kind) {
    case 'InferenceService':
      for (const component of ['predictor', 'transformer', 'explainer']) {
        const c = spec[component];
        if (!isRecord(c)) continue;
        b.podSpec(c);
        for (const fw of KSERVE_FRAMEWORKS) {
          const m = c[fw];
          if (isRecord(m)) b.source(`${component}-${fw === 'model' ? 'model' : fw}`, m.storageUri, m);
        }
        // `storageUri` / `storageUris[].uri` directly on a component with custom containers.
        if (typeof c.storageUri === 'string') b.source(`${component}-storage`, c.storageUri);
        list(c.storageUris).slice(0, 20).forEach((u, i) => b.source(`${component}-storage-${i}`, u.uri));
        if (isRecord(c.workerSpec)) b.podSpec(c.workerSpec);
      }
      break;
    case 'ServingRuntime':
    case 'ClusterServingRuntime':
      b.podSpec(spec);
      break;
    case 'LLMInferenceService': {
      const model = isRecord(spec.model) ? spec.model : {};
      b.podSpec(spec.template);
      b.podSpec(spec.worker);
      if (isRecord(spec.prefill)) {
        b.podSpec(spec.prefill.template);
        b.podSpec(spec.prefill.worker);
      }
      b.source('model', model.uri);
      break;
    }
    case 'Workspace': {
      const inference = isRecord(object?.inference) ? object.inference : {};
      const preset = isRecord(inference.preset) ? inference.preset : {};
      if (isRecord(inference.template) && isRecord(inference.template.spec)) b.podSpec(inference.template.spec);
      const options = isRecord(preset.presetOptions) ? preset.presetOptions : {};
      if (typeof preset.name === 'string' && preset.name.length > 0) {
        const entry: Record<string, unknown> = { name: 'inference' };
        if (typeof options.image === 'string') entry.image = options.image;
        b.containers.push(entry);
        b.sources.push({ container: 'inference', uri: preset.name.slice(0, 200), via: 'kaito-preset' });
      }
      break;
    }
    case 'Model':
      b.source('model', spec.storageUri);
      break;
  }
  return b.view();
}
