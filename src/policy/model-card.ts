// Model-card completeness (BSI/G7 minimum elements, sbomqs#439): the fields a
// policy may require, where each comes from in CycloneDX (CycloneDX 1.6 JSON reference: components[].modelCard) and SPDX 3 (SPDX 3.0.1 AI profile, AIPackage), and
// how presence is read off the normalised ModelRecord. docs/policy.md "Model cards" prints this table.
import type { ModelRecord } from '../contracts/inventory.js';

export const MODEL_CARD_FIELDS = [
  'task', 'license', 'datasets', 'supplier', 'version', 'purl', 'downloadLocation', 'hashes', 'format',
  'architectureFamily', 'modelArchitecture', 'approach', 'typeOfModel', 'domain', 'limitation', 'metrics',
  'safetyRiskAssessment', 'useSensitivePersonalInformation', 'autonomyType',
] as const;
export type ModelCardField = (typeof MODEL_CARD_FIELDS)[number];

export interface ModelCardFieldSource {
  cyclonedx: string;
  spdx3: string;
}

/** Where the BOM parsers read each field from (the policy only sees the ModelRecord). */
export const MODEL_CARD_SOURCES: Readonly<Record<ModelCardField, ModelCardFieldSource>> = {
  task: { cyclonedx: '`modelCard.modelParameters.task`', spdx3: '— (no property; `ai_informationAboutApplication` is free text)' },
  license: { cyclonedx: '`licenses[]` (`license.id` / `license.name` / `expression`)', spdx3: '`hasDeclaredLicense` / `hasConcludedLicense` → `simplelicensing_licenseExpression`' },
  datasets: { cyclonedx: '`modelCard.modelParameters.datasets[]` (inline or `ref`)', spdx3: '`trainedOn` / `testedOn` relationships to `dataset_DatasetPackage`' },
  supplier: { cyclonedx: '`supplier.name` (else `manufacturer`, `publisher`)', spdx3: '`suppliedBy` (required on `ai_AIPackage`)' },
  version: { cyclonedx: '`version`', spdx3: '`software_packageVersion` (required)' },
  purl: { cyclonedx: '`purl`', spdx3: '`software_packageUrl` / `externalIdentifier` of type `packageUrl`' },
  downloadLocation: { cyclonedx: '`externalReferences[type=distribution].url`', spdx3: '`software_downloadLocation` (required)' },
  hashes: { cyclonedx: '`hashes[]`', spdx3: '`verifiedUsing[]` (`Hash`)' },
  format: { cyclonedx: 'property `aibom:model:format`, else file extension / model-card hints', spdx3: '— (file extension of contained `software_File`s)' },
  architectureFamily: { cyclonedx: '`modelCard.modelParameters.architectureFamily`', spdx3: '— (`ai_typeOfModel` is the closest)' },
  modelArchitecture: { cyclonedx: '`modelCard.modelParameters.modelArchitecture`', spdx3: '—' },
  approach: { cyclonedx: '`modelCard.modelParameters.approach.type`', spdx3: '—' },
  typeOfModel: { cyclonedx: 'property `typeOfModel`', spdx3: '`ai_typeOfModel`' },
  domain: { cyclonedx: 'property `domain`', spdx3: '`ai_domain`' },
  limitation: { cyclonedx: '`modelCard.considerations.technicalLimitations[]`', spdx3: '`ai_limitation`' },
  metrics: { cyclonedx: '`modelCard.quantitativeAnalysis.performanceMetrics[]`', spdx3: '`ai_metric`' },
  safetyRiskAssessment: { cyclonedx: 'property `safetyRiskAssessment`', spdx3: '`ai_safetyRiskAssessment`' },
  useSensitivePersonalInformation: { cyclonedx: 'property `useSensitivePersonalInformation`', spdx3: '`ai_useSensitivePersonalInformation`' },
  autonomyType: { cyclonedx: 'property `autonomyType`', spdx3: '`ai_autonomyType`' },
};

/** Placeholder values that say nothing (SPDX NOASSERTION/NONE, generators' `unknown`). */
const EMPTY_VALUES = new Set(['', 'unknown', 'noassertion', 'none', 'n/a']);

function presentString(value: string | undefined): boolean {
  return value !== undefined && !EMPTY_VALUES.has(value.trim().toLowerCase());
}

function presentList(value: readonly unknown[] | undefined): boolean {
  return value !== undefined && value.length > 0;
}

/** Whether the model card field is filled in with something that is not a placeholder. */
export function hasModelCardField(model: ModelRecord, field: ModelCardField): boolean {
  switch (field) {
    case 'task':
    case 'license':
    case 'supplier':
    case 'version':
    case 'purl':
    case 'downloadLocation':
    case 'format':
    case 'architectureFamily':
    case 'modelArchitecture':
    case 'approach':
    case 'limitation':
    case 'safetyRiskAssessment':
    case 'useSensitivePersonalInformation':
    case 'autonomyType':
      return presentString(model[field]);
    case 'datasets':
    case 'hashes':
    case 'metrics':
      return presentList(model[field]);
    case 'typeOfModel':
    case 'domain':
      return presentList(model[field]?.filter((v) => presentString(v)));
  }
}

/** The mapping as a Markdown table (docs/policy.md "Model cards" carries it; test/unit/docs/policy-reference.test.ts keeps it current). */
export function modelCardTable(): string {
  const rows = MODEL_CARD_FIELDS.map((f) => `| \`${f}\` | ${MODEL_CARD_SOURCES[f].cyclonedx} | ${MODEL_CARD_SOURCES[f].spdx3} |`);
  return ['| `modelCard.require` | CycloneDX 1.5–1.7 (component / `modelCard`) | SPDX 3.0 AI profile (`ai_AIPackage`) |', '|---|---|---|', ...rows].join('\n');
}
