// `aibom review --bom` with real BOMs from the shared corpus (../shared/corpus, or AIBOM_CORPUS).
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AdmissionReviewResponse } from '../../../src/contracts/admission-review.js';
import { runCli } from '../../support/cli.js';
import { corpusDir } from '../../support/corpus.js';
import { fixturePath } from '../../support/fixtures.js';
import { IMAGES } from '../../support/images.js';

const corpus = (name: string): string => resolve(corpusDir, name);

describe('cli: aibom review with corpus BOMs', () => {
  it('the corpus is there', () => {
    expect(existsSync(corpus('EXPECTED.md')), `corpus at ${corpusDir}`).to.equal(true);
  });

  const cases: [file: string, kind: string | undefined, bearing: string][] = [
    ['rhtpa__nvidia_canary-1b-v2_aibom.json', 'model', 'true'], // A1: a wrapper application, not an agent
    ['bom-examples-MLBOM-Model-Card-With-Dataset__bom.json', 'agent', 'true'], // A4: CycloneDX 1.7, model + datasets
    ['guac__alpine-cyclonedx.json', undefined, 'false'], // A10a: syft SBOM, nothing AI
  ];
  for (const [file, kind, bearing] of cases) {
    it(`${file} → ai-bearing=${bearing} ai-kind=${kind ?? '(absent)'}`, async () => {
      const run = await runCli(['review', fixturePath('admission', 'pod-create.json'), '--bom', `${IMAGES.model}=${corpus(file)}`, '--validate', '--json']);
      expect(run.code, run.stderr).to.equal(0);
      const audit = (JSON.parse(run.stdout) as AdmissionReviewResponse).response.auditAnnotations ?? {};
      expect(audit['ai-bearing']).to.equal(bearing);
      expect(audit['ai-kind']).to.equal(kind);
    });
  }

  it('a BOM that is not strict JSON (A8, trailing commas) is bad input: exit 2, one line', async () => {
    const run = await runCli(['review', fixturePath('admission', 'pod-create.json'), '--bom', `${IMAGES.model}=${corpus('bom-examples-MLBOM-Dataset__bom.json')}`]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/^aibom: error: --bom .*invalid JSON[^\n]*\n$/);
  });
});
