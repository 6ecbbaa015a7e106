import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { Ajv } from 'ajv';
import { parsePolicyText, PolicyError } from '../../../src/policy/parse.js';
import { policyJsonSchema, renderPolicyJsonSchema } from '../../../src/policy/json-schema.js';
import { loadPolicyFiles } from '../../../src/config/policy-files.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'policy');

const ISSUE_EXAMPLE = `apiVersion: aibom.io/v1alpha1
kind: AIModelPolicy
metadata:
  name: production-models
spec:
  mode: Enforce                      # Enforce | Warn | Audit
  match: {namespaces: ["*"], excludeNamespaces: [kube-system], kinds: [Deployment, Pod]}
  rules:
    requireBOM: true                 # workloads that look like AI (heuristics) must carry a BOM
    licenses: {allow: [Apache-2.0, MIT], deny: [cc-by-nc-4.0], missing: deny}
    sources: {purls: ["pkg:huggingface/ibm-granite/*"], suppliers: [], downloadHosts: [], missing: allow}
    formats: {deny: [pickle]}
    modelCard: {require: [task, license, datasets]}
    maxSafetyRisk: {level: medium, missing: allow}
    requireHashes: true
    requireDigest: false             # images must be pinned by digest
    maxBomAgeDays: 365
    onLookupFailure: allow           # allow | deny (validating path only)
`;

function errorOf(text: string, source = 'p.yaml'): string {
  try {
    parsePolicyText(text, source);
  } catch (err) {
    expect(err).to.be.instanceOf(PolicyError);
    return (err as Error).message;
  }
  throw new Error('expected a PolicyError');
}

describe('policy/parse', () => {
  it('reads the example of the issue', () => {
    const [loaded] = parsePolicyText(ISSUE_EXAMPLE, 'p.yaml');
    expect(loaded!.policy.metadata.name).to.equal('production-models');
    expect(loaded!.policy.spec.rules.licenses).to.deep.equal({ allow: ['Apache-2.0', 'MIT'], deny: ['cc-by-nc-4.0'], missing: 'deny' });
    expect(loaded!.policy.spec.match.kinds).to.deep.equal(['Deployment', 'Pod']);
  });

  it('fills defaults for a minimal policy', () => {
    const [loaded] = parsePolicyText('apiVersion: aibom.io/v1alpha1\nkind: AIModelPolicy\nmetadata: {name: min}\nspec: {mode: Audit, rules: {}}\n', 'm.yaml');
    expect(loaded!.policy.spec.match.namespaces).to.deep.equal(['*']);
    expect(loaded!.policy.spec.match.kinds).to.include('CronJob');
    expect(loaded!.policy.spec.rules).to.deep.equal({ requireBOM: false, requireHashes: false, requireDigest: false, onLookupFailure: 'allow', requireSignedBOM: false });
    expect(loaded!.policy.spec.match.registries).to.deep.equal(['*']);
  });

  const refused: [string, string, RegExp][] = [
    ['a bad mode', ISSUE_EXAMPLE.replace('mode: Enforce', 'mode: Sometimes'), /^p\.yaml \(document 1\), AIModelPolicy "production-models": spec\.mode: expected Enforce \| Warn \| Audit, got "Sometimes"$/],
    ['an unknown rule', ISSUE_EXAMPLE.replace('requireHashes: true', 'requireHashes: true\n    requireSignatures: true'), /spec\.rules\.requireSignatures: unknown field/],
    ['a misspelt field', ISSUE_EXAMPLE.replace('deny: [cc-by-nc-4.0]', 'denny: [cc-by-nc-4.0]'), /spec\.rules\.licenses\.denny: unknown field/],
    ['a bad missing value', ISSUE_EXAMPLE.replace('missing: deny}', 'missing: maybe}'), /spec\.rules\.licenses\.missing: expected allow \| deny \| warn, got "maybe"/],
    ['an unknown kind in match', ISSUE_EXAMPLE.replace('kinds: [Deployment, Pod]', 'kinds: [Deployment, Service]'), /spec\.match\.kinds\[1\]: expected Pod \| Deployment/],
    ['an unknown model-card field', ISSUE_EXAMPLE.replace('require: [task, license, datasets]', 'require: [task, colour]'), /spec\.rules\.modelCard\.require\[1\]: expected task \| license/],
    ['a bad safety level', ISSUE_EXAMPLE.replace('level: medium', 'level: extreme'), /spec\.rules\.maxSafetyRisk\.level: expected low \| medium \| high \| serious/],
    ['a non-integer age', ISSUE_EXAMPLE.replace('maxBomAgeDays: 365', 'maxBomAgeDays: "a year"'), /spec\.rules\.maxBomAgeDays: expected number, got "a year"/],
    ['a negative age', ISSUE_EXAMPLE.replace('maxBomAgeDays: 365', 'maxBomAgeDays: -1'), /spec\.rules\.maxBomAgeDays: /],
    ['a missing mode', ISSUE_EXAMPLE.replace(/ {2}mode: Enforce.*\n/, ''), /spec\.mode: required \(one of Enforce \| Warn \| Audit\)/],
    ['a bad name', ISSUE_EXAMPLE.replace('name: production-models', 'name: Production_Models'), /metadata\.name: must be a DNS subdomain/],
    ['a wrong apiVersion', ISSUE_EXAMPLE.replace('aibom.io/v1alpha1', 'aibom.io/v2'), /apiVersion: expected aibom\.io\/v1alpha1, got "aibom\.io\/v2"/],
    ['an unknown kind in our group', ISSUE_EXAMPLE.replace('kind: AIModelPolicy', 'kind: AIModelPolicies'), /kind: unknown kind "AIModelPolicies" in aibom\.io\/v1alpha1/],
    ['broken YAML', 'apiVersion: aibom.io/v1alpha1\nkind: [AIModelPolicy\n', /^p\.yaml \(document 1\): invalid YAML: /],
    ['a scalar document', 'just a string\n', /a policy document must be a mapping/],
    ['duplicate keys', ISSUE_EXAMPLE.replace('requireHashes: true', 'requireHashes: true\n    requireHashes: false'), /invalid YAML: Map keys must be unique/],
  ];
  for (const [what, text, message] of refused) {
    it(`refuses ${what}, naming the file and the field`, () => {
      expect(errorOf(text)).to.match(message);
    });
  }

  it('names the document in a multi-document file', () => {
    const text = `${ISSUE_EXAMPLE}---\n${ISSUE_EXAMPLE.replace('production-models', 'second').replace('mode: Enforce', 'mode: sometimes')}`;
    expect(errorOf(text, 'multi.yaml')).to.match(/^multi\.yaml \(document 2\), AIModelPolicy "second": spec\.mode/);
  });

  it('ignores documents of other API groups and empty documents', () => {
    const text = `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n---\n${ISSUE_EXAMPLE}`;
    expect(parsePolicyText(text, 'p.yaml').map((p) => [p.policy.metadata.name, p.document])).to.deep.equal([['production-models', 3]]);
  });

  it('bounds alias expansion', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [*${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}, *${'abcdefgh'[i]}]`)].join('\n');
    expect(errorOf(bomb)).to.match(/invalid YAML: .*alias/i);
  });

  describe('files and directories', () => {
    it('loads a directory: policy files sorted, other documents and files ignored', () => {
      const loaded = loadPolicyFiles([join(FIXTURES, 'dir')]);
      expect(loaded.map((p) => p.policy.metadata.name)).to.deep.equal(['licences', 'digests-audit']);
    });

    it('refuses a file without any policy', () => {
      expect(() => loadPolicyFiles([join(process.cwd(), 'test', 'fixtures', 'manifests', 'list.yaml')])).to.throw(PolicyError, /no AIModelPolicy document found/);
    });

    it('refuses the same policy name twice', () => {
      const file = join(FIXTURES, 'warn-model-card.yaml');
      expect(() => loadPolicyFiles([file, file])).to.throw(PolicyError, /metadata\.name: policy "model-card-completeness" is already defined/);
    });

    it('names a missing path', () => {
      expect(() => loadPolicyFiles([join(FIXTURES, 'nope.yaml')])).to.throw(PolicyError, /cannot read policy path .*nope\.yaml: ENOENT/);
    });
  });

  describe('JSON Schema', () => {
    it('deploy/aimodelpolicy.schema.json is up to date (regenerate: node --import tsx scripts/gen-policy-schema.ts)', () => {
      const committed = readFileSync(join(process.cwd(), 'deploy', 'aimodelpolicy.schema.json'), 'utf8');
      expect(committed).to.equal(renderPolicyJsonSchema());
    });

    it('accepts what the zod schema accepts and refuses what it refuses', async () => {
      const { parse } = await import('yaml');
      const ajv = new Ajv({ strict: false, allErrors: true });
      const validate = ajv.compile(policyJsonSchema());
      expect(validate(parse(ISSUE_EXAMPLE)), JSON.stringify(validate.errors)).to.equal(true);
      expect(validate(parse(ISSUE_EXAMPLE.replace('mode: Enforce', 'mode: Sometimes')))).to.equal(false);
      expect(validate(parse(ISSUE_EXAMPLE.replace('requireHashes: true', 'requireHashes: true\n    bogus: 1')))).to.equal(false);
      for (const file of ['enforce-sources.yaml', 'warn-model-card.yaml', 'lookup-deny.yaml']) {
        expect(validate(parse(readFileSync(join(FIXTURES, file), 'utf8'))), file).to.equal(true);
      }
      expect(validate(parse(readFileSync(join(FIXTURES, 'broken-field.yaml'), 'utf8')))).to.equal(false);
    });
  });
});
