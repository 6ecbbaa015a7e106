// Maps the configuration onto the settings the pure core takes.
import type { AdmissionSettings } from '../admission/index.js';
import type { EnforcementSettings } from '../policy/index.js';
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
    limits: { maxImagesPerReview: config.limits.maxImagesPerReview, maxModelsPerReview: config.limits.maxModelsPerReview },
  };
}

/** The enforcement settings (break-glass) of the validating and mutating paths. */
export function enforcementSettings(config: Config): EnforcementSettings {
  const bg = config.breakGlass;
  return {
    prefix: config.prefix,
    breakGlass: { enabled: bg.enabled, stackroxKey: bg.stackroxKey, allowedUsers: bg.allowedUsers, allowedGroups: bg.allowedGroups, namespaces: bg.namespaces, valuePattern: bg.valuePattern },
    maxVerdicts: config.limits.maxVerdicts,
  };
}
