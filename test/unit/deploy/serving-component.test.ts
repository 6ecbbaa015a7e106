// deploy/components/serving: the optional rules for the serving platforms' CRs, on both webhooks,
// for every kind src/contracts/serving.ts handles.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { SERVING_GROUPS, SERVING_KINDS } from '../../../src/contracts/serving.js';

const RESOURCES: Record<string, string> = {
  InferenceService: 'inferenceservices', ServingRuntime: 'servingruntimes', ClusterServingRuntime: 'clusterservingruntimes',
  LLMInferenceService: 'llminferenceservices', Workspace: 'workspaces', Model: 'models',
};

describe('deploy/components/serving', () => {
  const component = parseYaml(readFileSync(new URL('../../../deploy/components/serving/kustomization.yaml', import.meta.url), 'utf8')) as { kind: string; patches: { target: { kind: string }; patch: string }[] };

  it('is a kustomize Component that appends rules to both webhook configurations', () => {
    expect(component.kind).to.equal('Component');
    expect(component.patches.map((p) => p.target.kind).sort()).to.deep.equal(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
  });

  for (const target of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    it(`${target}: every serving kind on CREATE and UPDATE, under its own API group`, () => {
      const patch = component.patches.find((p) => p.target.kind === target)!;
      const ops = parseAllDocuments(patch.patch)[0]!.toJSON() as { op: string; path: string; value: { operations: string[]; apiGroups: string[]; resources: string[]; scope: string } }[];
      const covered = new Set<string>();
      for (const op of ops) {
        expect([op.op, op.path]).to.deep.equal(['add', '/webhooks/0/rules/-']);
        expect(op.value.operations).to.deep.equal(['CREATE', 'UPDATE']);
        for (const g of op.value.apiGroups) for (const r of op.value.resources) covered.add(`${g}/${r}`);
        if (op.value.resources.includes('clusterservingruntimes')) expect(op.value.scope).to.equal('*');
      }
      expect([...covered].sort()).to.deep.equal(SERVING_KINDS.map((k) => `${SERVING_GROUPS[k]}/${RESOURCES[k]}`).sort());
    });
  }
});
