import { expect } from 'chai';
import { classifyImage } from '../../../src/classify/image.js';
import { type ImageOutcome } from '../../../src/contracts/classification.js';
import { LOOKUP_STATUSES, type ImageFindings, type LookupStatus } from '../../../src/contracts/lookup.js';
import type { AiInventory } from '../../../src/contracts/inventory.js';
import { bomFixture, findings, foundBom, inventoryOf } from '../../support/fixtures.js';

function inv(parts: Partial<Pick<AiInventory, 'models' | 'datasets' | 'agents'>>): AiInventory {
  return { format: 'cyclonedx', models: [], datasets: [], agents: [], findings: [], reasons: [], ...parts };
}
const MODEL = inv({ models: [{ name: 'm', datasets: [], hashes: [], externalReferences: [] }] });
const DATA = inv({ datasets: [{ name: 'd' }] });
const AGENT = inv({ agents: [{ name: 'a', uses: ['m'], reason: 'depends on m' }], models: MODEL.models });
const NOTHING = inv({});

describe('classify/image (docs/classification.md: per-image outcome)', () => {
  const table: [label: string, f: ImageFindings, outcome: ImageOutcome][] = [
    ['a BOM that lists a model', findings('found', [foundBom(MODEL)]), 'model'],
    ['a BOM with an application that uses a model', findings('found', [foundBom(AGENT)]), 'agent'],
    ['a BOM with only data', findings('found', [foundBom(DATA)]), 'dataset'],
    ['a BOM with nothing AI', findings('found', [foundBom(NOTHING)]), 'no-ai'],
    ['agent beats model across BOMs', findings('found', [foundBom(MODEL), foundBom(AGENT)]), 'agent'],
    ['model beats dataset across BOMs', findings('found', [foundBom(DATA), foundBom(MODEL)]), 'model'],
    ['dataset beats no-ai across BOMs', findings('found', [foundBom(NOTHING), foundBom(DATA)]), 'dataset'],
    ['lookup completed, nothing attached', findings('none'), 'no-bom'],
    ['found but no BOM readable', findings('found', []), 'no-bom'],
    ['timeout', findings('timeout'), 'timeout'],
    ['BOMs found before a later failure still count', findings('error:5xx', [foundBom(MODEL)]), 'model'],
  ];
  for (const [label, f, outcome] of table) {
    it(`${label} → ${outcome}`, () => expect(classifyImage(f)).to.equal(outcome));
  }

  for (const status of LOOKUP_STATUSES.filter((s) => s.startsWith('error:'))) {
    it(`${status} with no BOM → error`, () => expect(classifyImage(findings(status as LookupStatus))).to.equal('error'));
  }

  const boms: [file: string, outcome: ImageOutcome][] = [
    ['model.cdx.json', 'model'],
    ['agent.cdx.json', 'agent'],
    ['dataset.cdx.json', 'dataset'],
    ['no-ai.cdx.json', 'no-ai'],
  ];
  for (const [file, outcome] of boms) {
    it(`our BOM fixture ${file} → ${outcome}`, () => {
      expect(classifyImage(findings('found', [foundBom(inventoryOf(bomFixture(file)))]))).to.equal(outcome);
    });
  }
});
