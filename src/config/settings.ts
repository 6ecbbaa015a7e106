// Maps the configuration onto the settings the pure core takes.
import type { AdmissionSettings } from '../admission/admit.js';
import type { Config } from './schema.js';

export function admissionSettings(config: Config): AdmissionSettings {
  const excluded = new Set(config.namespaces.exclude);
  if (config.namespaces.self) excluded.add(config.namespaces.self);
  return {
    prefix: config.prefix,
    excludedNamespaces: [...excluded].sort(),
    labelPodTemplates: config.labelPodTemplates,
    maxAnnotationBytes: config.annotations.maxBytes,
    heuristics: { enabled: config.heuristics.enabled, extraImagePatterns: config.heuristics.extraImagePatterns },
  };
}
