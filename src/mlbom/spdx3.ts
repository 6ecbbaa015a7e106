// The same scan as SPDX 3.0.1 JSON-LD with the AI profile (SPDX 3.0.1 AI profile, https://spdx.github.io/spdx-spec/v3.0.1/model/AI/): one `ai_AIPackage`
// per model (primary purpose `model`, SHA-256 in verifiedUsing, licence relationships), `contains`
// from the scanned container/folder package, and `trainedOn` datasets as `dataset_DatasetPackage`.
import { deterministicUuid, metaString } from './cyclonedx.js';
import type { BomContext } from './cyclonedx.js';

type Json = Record<string, unknown>;

export function buildSpdx3(ctx: BomContext): Json {
  const ns = `urn:uuid:${deterministicUuid(`spdx|${ctx.target.name}|${ctx.target.digest ?? ''}|${ctx.timestamp}`)}`;
  const ci = '_:creationinfo';
  const graph: Json[] = [];
  const id = (s: string): string => `${ns}#${encodeURIComponent(s)}`;
  const agent = id('agent/aibom');
  graph.push({ type: 'CreationInfo', '@id': ci, specVersion: '3.0.1', created: ctx.timestamp, createdBy: [agent] });
  graph.push({ type: 'Tool', spdxId: agent, creationInfo: ci, name: `aibom ${ctx.toolVersion}` });
  const rootId = id('target');
  const root: Json = { type: 'software_Package', spdxId: rootId, creationInfo: ci, name: ctx.target.repository ?? ctx.target.name, software_primaryPurpose: ctx.target.kind === 'image' || ctx.target.kind === 'oci-layout' ? 'container' : 'archive' };
  if (ctx.target.purl) root['software_packageUrl'] = ctx.target.purl;
  if (ctx.target.digest) {
    root['software_packageVersion'] = ctx.target.digest;
    root['verifiedUsing'] = [{ type: 'Hash', algorithm: 'sha256', hashValue: ctx.target.digest.replace(/^sha256:/, '') }];
  }
  graph.push(root);
  const elements: string[] = [agent, rootId];
  const modelIds: string[] = [];
  let rel = 0;
  const relationship = (from: string, type: string, to: string[]): void => {
    const r = id(`relationship/${rel++}`);
    graph.push({ type: 'Relationship', spdxId: r, creationInfo: ci, from, relationshipType: type, to });
    elements.push(r);
  };
  const datasets = new Map<string, string>();
  for (const m of ctx.models) {
    const mid = id(`model/${m.id}`);
    modelIds.push(mid);
    elements.push(mid);
    const pkg: Json = {
      type: 'ai_AIPackage', spdxId: mid, creationInfo: ci, name: m.name,
      software_primaryPurpose: 'model',
      software_packageVersion: m.version ?? 'NOASSERTION',
      software_downloadLocation: 'NOASSERTION',
      releaseTime: ctx.timestamp,
      suppliedBy: agent,
      ai_typeOfModel: [m.format],
      comment: [`aibom:model:format=${m.format}`, `path=${m.path}`, ...(m.card.parameters !== undefined ? [`aibom:model:parameters=${m.card.parameters}`] : []), ...(m.card.quantization ? [`aibom:model:quantization=${m.card.quantization}`] : [])].join('; '),
    };
    if (m.purl) pkg['software_packageUrl'] = m.purl;
    if (m.files.length === 1 && m.files[0]!.sha256) pkg['verifiedUsing'] = [{ type: 'Hash', algorithm: 'sha256', hashValue: m.files[0]!.sha256 }];
    if (m.card.task) pkg['ai_domain'] = [m.card.task];
    if (m.card.architecture) pkg['ai_informationAboutApplication'] = `architecture ${m.card.architecture}`;
    const hyper = [
      ...(m.card.parameters !== undefined ? [{ type: 'DictionaryEntry', key: 'parameters', value: String(m.card.parameters) }] : []),
      ...(m.card.quantization ? [{ type: 'DictionaryEntry', key: 'quantization', value: m.card.quantization }] : []),
      ...(m.card.contextLength !== undefined ? [{ type: 'DictionaryEntry', key: 'context_length', value: String(m.card.contextLength) }] : []),
    ];
    if (hyper.length > 0) pkg['ai_hyperparameter'] = hyper;
    const unsafe = m.findings.filter((f) => f.global && (f.severity === 'critical' || f.severity === 'high'));
    if (unsafe.length > 0) {
      pkg['ai_safetyRiskAssessment'] = unsafe.some((f) => f.severity === 'critical') ? 'serious' : 'high';
      pkg['ai_limitation'] = `unsafe model file: ${[...new Set(unsafe.map((f) => f.global))].join(', ')}`;
    }
    graph.push(pkg);
    const licId = id(`license/${m.id}`);
    graph.push({ type: 'simplelicensing_LicenseExpression', spdxId: licId, creationInfo: ci, simplelicensing_licenseExpression: m.card.license ?? 'NOASSERTION' });
    elements.push(licId);
    relationship(mid, 'hasDeclaredLicense', [licId]);
    relationship(mid, 'hasConcludedLicense', [licId]);
    const trained: string[] = [];
    for (const ds of m.card.datasets ?? []) {
      let did = datasets.get(ds);
      if (!did) {
        did = id(`dataset/${ds}`);
        datasets.set(ds, did);
        graph.push({ type: 'dataset_DatasetPackage', spdxId: did, creationInfo: ci, name: ds, software_primaryPurpose: 'data', dataset_datasetType: ['noAssertion'], software_downloadLocation: 'NOASSERTION', releaseTime: ctx.timestamp, builtTime: ctx.timestamp, originatedBy: [agent] });
        elements.push(did);
      }
      trained.push(did);
    }
    if (trained.length > 0) relationship(mid, 'trainedOn', trained);
    void metaString;
  }
  if (modelIds.length > 0) relationship(rootId, 'contains', modelIds);
  graph.push({ type: 'SpdxDocument', spdxId: id('document'), creationInfo: ci, name: `aibom scan of ${ctx.target.name}`, rootElement: [rootId], element: elements, profileConformance: ['core', 'software', 'ai', 'dataset', 'simpleLicensing'] });
  return { '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': graph };
}
