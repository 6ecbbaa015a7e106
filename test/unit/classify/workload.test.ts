import { expect } from 'chai';
import { classifyWorkload } from '../../../src/classify/workload.js';
import { type WorkloadClassification } from '../../../src/contracts/classification.js';
import type { ImageOutcome } from '../../../src/contracts/classification.js';

const NO_HEURISTICS = { aiBearing: false, reasons: [] };
const HEURISTIC_AI = { aiBearing: true, reasons: ['serving image'] };

describe('classify/workload (docs/labels-and-annotations.md: the labels table)', () => {
  const table: [outcomes: ImageOutcome[], heuristicAi: boolean, expected: Partial<WorkloadClassification> & { aiKind?: string | undefined }][] = [
    [['model'], false, { aiBearing: 'true', aiKind: 'model', evidence: 'bom' }],
    [['agent'], false, { aiBearing: 'true', aiKind: 'agent', evidence: 'bom' }],
    [['model', 'agent'], false, { aiBearing: 'true', aiKind: 'agent', evidence: 'bom' }],
    [['dataset', 'model'], false, { aiBearing: 'true', aiKind: 'model', evidence: 'bom' }],
    [['dataset'], false, { aiBearing: 'false', aiKind: 'dataset', evidence: 'bom' }],
    [['dataset', 'error'], false, { aiBearing: 'unknown', aiKind: 'dataset', evidence: 'bom' }],
    [['no-ai'], false, { aiBearing: 'false', aiKind: undefined, evidence: 'none' }],
    [['no-bom'], false, { aiBearing: 'false', aiKind: undefined, evidence: 'none' }],
    [[], false, { aiBearing: 'false', aiKind: undefined, evidence: 'none' }],
    [['no-bom', 'error'], false, { aiBearing: 'unknown', aiKind: undefined, evidence: 'none' }],
    [['no-ai', 'timeout'], false, { aiBearing: 'unknown', aiKind: undefined, evidence: 'none' }],
    [['model', 'timeout'], false, { aiBearing: 'true', aiKind: 'model', evidence: 'bom' }],
    [['no-bom'], true, { aiBearing: 'true', aiKind: undefined, evidence: 'heuristic', heuristics: ['serving image'] }],
    [['error'], true, { aiBearing: 'true', aiKind: undefined, evidence: 'heuristic' }],
    [['model'], true, { aiBearing: 'true', aiKind: 'model', evidence: 'bom', heuristics: [] }],
  ];
  for (const [outcomes, heuristicAi, expected] of table) {
    it(`[${outcomes.join(', ')}]${heuristicAi ? ' + heuristics' : ''} → ${JSON.stringify(expected)}`, () => {
      const c = classifyWorkload(outcomes, heuristicAi ? HEURISTIC_AI : NO_HEURISTICS);
      expect(c.aiBearing).to.equal(expected.aiBearing);
      expect(c.aiKind).to.equal(expected.aiKind);
      expect(c.evidence).to.equal(expected.evidence);
      if (expected.heuristics) expect(c.heuristics).to.deep.equal(expected.heuristics);
      expect(Object.prototype.hasOwnProperty.call(c, 'aiKind')).to.equal(expected.aiKind !== undefined);
    });
  }
});
