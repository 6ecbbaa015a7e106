// `aibom inventory` output from reports: the table and CSV rows, and the cluster's CycloneDX 1.6
// document (valid against the official schema, each model once, workloads → images → models linked).
import { Validation } from '@cyclonedx/cyclonedx-library';
import { expect } from 'chai';
import { admissionSettings } from '../../../src/config/index.js';
import { defaultConfig } from '../../../src/config/schema.js';
import type { KubeObject } from '../../../src/contracts/admission-review.js';
import type { AIWorkloadReport } from '../../../src/contracts/workload-report.js';
import type { WorkloadKind } from '../../../src/contracts/workload.js';
import { buildReport, inventoryCycloneDx, inventoryRows, renderCsv, renderTable, workloadEvaluator } from '../../../src/inventory/index.js';
import { EMPTY_POLICY_SET } from '../../../src/policy/index.js';
import { IMAGES } from '../../support/images.js';
import { standardLookup } from '../../support/world.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const NOW = new Date('2026-12-04T19:00:00Z');

async function report(kind: WorkloadKind, name: string, namespace: string, images: string[]): Promise<AIWorkloadReport> {
  const spec = { containers: images.map((image, i) => ({ name: `c${i}`, image })) };
  const object: KubeObject = kind === 'Pod'
    ? { metadata: { name, namespace, uid: `uid-${name}` }, spec }
    : { metadata: { name, namespace, uid: `uid-${name}` }, spec: { template: { spec } } };
  const evaluate = workloadEvaluator({ lookup: standardLookup().lookup, settings: admissionSettings(defaultConfig()), policies: () => EMPTY_POLICY_SET, clock: () => NOW, timeoutMs: 2000 });
  return buildReport(await evaluate(kind, object), { prefix: 'aibom.io' })!;
}

describe('inventory/export', () => {
  let reports: AIWorkloadReport[];
  before(async () => {
    reports = [
      await report('Deployment', 'granite', 'ml', [IMAGES.model, IMAGES.sidecar]),
      await report('StatefulSet', 'granite-next', 'ml', [IMAGES.modelNext]),
      await report('Pod', 'web, "quoted"', 'default', [IMAGES.plain]),
    ];
  });

  it('rows: sorted by namespace, kind, name; models, licences and sources per workload', () => {
    const rows = inventoryRows(reports);
    expect(rows.map((r) => `${r.namespace}/${r.kind}/${r.workload}`)).to.deep.equal(['default/Pod/web, "quoted"', 'ml/Deployment/granite', 'ml/StatefulSet/granite-next']);
    expect(rows[1]).to.deep.include({ aiBearing: 'true (model)', models: ['ibm-granite/granite-docling-258M@1.0'], licenses: ['Apache-2.0'], sources: ['huggingface'], policy: 'pass' });
    expect(rows[1]!.images).to.deep.equal([IMAGES.model, IMAGES.sidecar]);
    expect(rows[0]).to.deep.include({ aiBearing: 'false', models: [], licenses: [] });
  });

  it('table: a header and one aligned line per workload; CSV: RFC 4180 quoting', () => {
    const table = renderTable(inventoryRows(reports)).split('\n');
    expect(table[0]).to.match(/^NAMESPACE\s+WORKLOAD\s+KIND\s+AI\s+IMAGES\s+MODELS\s+LICENSES\s+SOURCES\s+POLICY$/);
    expect(table[2]).to.match(/^ml\s+granite\s+Deployment\s+true \(model\)\s+2\s+ibm-granite\/granite-docling-258M@1\.0\s+Apache-2\.0\s+huggingface\s+pass$/);
    const csv = renderCsv(inventoryRows(reports)).split('\r\n');
    expect(csv[0]).to.equal('namespace,workload,kind,aiBearing,images,models,licenses,sources,policy');
    expect(csv[1]).to.equal('default,"web, ""quoted""",Pod,false,nginx:1.27,,,,pass'.replace('nginx:1.27', 'docker.io/library/nginx:1.27'));
  });

  it('CycloneDX: valid 1.6 (strict schema), each model once with both workloads depending on it through their images', async () => {
    const doc = inventoryCycloneDx(reports, { now: NOW, cluster: 'https://127.0.0.1:6443', toolVersion: '0.1.0' }) as Json;
    const errors = await new Validation.JsonStrictValidator('1.6' as never).validate(JSON.stringify(doc));
    expect(errors, JSON.stringify(errors)?.slice(0, 2000)).to.equal(null);
    const models = (doc.components as Json[]).filter((c) => c.type === 'machine-learning-model');
    expect(models).to.have.length(1);
    expect(models[0]).to.deep.include({ name: 'ibm-granite/granite-docling-258M', version: '1.0', purl: 'pkg:huggingface/ibm-granite/granite-docling-258M@1.0', licenses: [{ expression: 'Apache-2.0' }] });
    const apps = (doc.components as Json[]).filter((c) => c.type === 'application');
    expect(apps.map((a) => a['bom-ref'])).to.deep.equal(['workload:Pod/default/web, "quoted"', 'workload:Deployment/ml/granite', 'workload:StatefulSet/ml/granite-next']);
    const onModel = (doc.dependencies as Json[]).filter((d) => d.dependsOn.includes(models[0]!['bom-ref'])).map((d) => d.ref);
    expect(onModel).to.deep.equal([`workload:Deployment/ml/granite#image:${IMAGES.model}`, `workload:StatefulSet/ml/granite-next#image:${IMAGES.modelNext}`]);
    expect(JSON.stringify(inventoryCycloneDx(reports, { now: NOW, cluster: 'https://127.0.0.1:6443', toolVersion: '0.1.0' }))).to.equal(JSON.stringify(doc));
  });
});
