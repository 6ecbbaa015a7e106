import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, configFromEnv, configLeaves, envName, loadConfig, validateConfig } from '../../../src/config/load.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { admissionSettings } from '../../../src/config/settings.js';
import { fixturePath } from '../../support/fixtures.js';

describe('config', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'aibom-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('the defaults match the golden file (UPDATE_GOLDEN=1 rewrites it)', () => {
    const golden = fixturePath('config', 'defaults.json');
    const actual = JSON.stringify(defaultConfig(), null, 2) + '\n';
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, actual);
    expect(actual).to.equal(readFileSync(golden, 'utf8'));
  });

  it('the golden defaults carry the budgets docs/configuration.md documents', () => {
    const c = JSON.parse(readFileSync(fixturePath('config', 'defaults.json'), 'utf8')) as ReturnType<typeof defaultConfig>;
    expect(c.prefix).to.equal('aibom.io');
    expect(c.mutate).to.deep.equal({ timeoutSeconds: 5, lookupBudgetMs: 2500 });
    expect(c.validate.timeoutSeconds).to.equal(8);
    expect(c.namespaces.exclude).to.deep.equal(['kube-system', 'kube-public', 'kube-node-lease']);
    expect(c.limits.maxBomBytes).to.equal(16 * 1024 * 1024);
    expect(c.labelPodTemplates).to.equal(true);
    expect(c.server.port).to.equal(8443);
    expect(c.server.adminPort).to.equal(9090);
  });

  it('an empty load gives the defaults', () => {
    expect(loadConfig()).to.deep.equal(defaultConfig());
    expect(loadConfig({ env: {} })).to.deep.equal(defaultConfig());
  });

  it('precedence: flags > AIBOM_* env > YAML file > defaults, leaf by leaf', () => {
    const yaml = file('p.yaml', ['mutate:', '  timeoutSeconds: 7', '  lookupBudgetMs: 1500', 'prefix: file.example.com', 'log:', '  level: warn', ''].join('\n'));
    const env = { AIBOM_MUTATE_TIMEOUT_SECONDS: '9', AIBOM_PREFIX: 'env.example.com', UNRELATED: 'x' };
    const flags = { mutate: { timeoutSeconds: 11 } };

    expect(loadConfig({ file: yaml }).mutate).to.deep.equal({ timeoutSeconds: 7, lookupBudgetMs: 1500 });
    const withEnv = loadConfig({ file: yaml, env });
    expect(withEnv.mutate).to.deep.equal({ timeoutSeconds: 9, lookupBudgetMs: 1500 });
    expect(withEnv.prefix).to.equal('env.example.com');
    const all = loadConfig({ file: yaml, env, flags });
    expect(all.mutate).to.deep.equal({ timeoutSeconds: 11, lookupBudgetMs: 1500 });
    expect(all.prefix).to.equal('env.example.com');
    expect(all.log.level).to.equal('warn');
    expect(all.validate).to.deep.equal(defaultConfig().validate);
  });

  it('env values are coerced by the type of the default: numbers, booleans, lists, maps, strings', () => {
    const c = loadConfig({
      env: {
        AIBOM_LABEL_POD_TEMPLATES: 'false',
        AIBOM_NAMESPACES_EXCLUDE: 'kube-system, tenant-a ,',
        AIBOM_REGISTRIES_MIRRORS: 'docker.io=127.0.0.1:5001,ghcr.io=127.0.0.1:5002',
        AIBOM_CACHE_MAX_ENTRIES: '10',
        AIBOM_SERVER_TLS_CERT: '/etc/tls/tls.crt',
      },
    });
    expect(c.labelPodTemplates).to.equal(false);
    expect(c.namespaces.exclude).to.deep.equal(['kube-system', 'tenant-a']);
    expect(c.registries.mirrors).to.deep.equal({ 'docker.io': '127.0.0.1:5001', 'ghcr.io': '127.0.0.1:5002' });
    expect(c.cache.maxEntries).to.equal(10);
    expect(c.server.tlsCert).to.equal('/etc/tls/tls.crt');
  });

  it('env names: AIBOM_ + path segments, camelCase split with _, upper-cased', () => {
    expect(envName(['mutate', 'timeoutSeconds'])).to.equal('AIBOM_MUTATE_TIMEOUT_SECONDS');
    expect(envName(['labelPodTemplates'])).to.equal('AIBOM_LABEL_POD_TEMPLATES');
    expect(envName(['limits', 'maxBomBytes'])).to.equal('AIBOM_LIMITS_MAX_BOM_BYTES');
    const names = configLeaves().map((l) => l.env);
    expect(new Set(names).size, 'every leaf has its own env name').to.equal(names.length);
    for (const n of names) expect(n).to.match(/^AIBOM_[A-Z0-9_]+$/);
  });

  it('unknown AIBOM_* variables and other variables are ignored', () => {
    expect(configFromEnv({ AIBOM_CORPUS: '/x', HOME: '/root' })).to.deep.equal({});
  });

  const bad: [label: string, load: () => unknown, message: RegExp][] = [
    ['a wrong type in the file', () => loadConfig({ file: file('t.yaml', 'mutate:\n  timeoutSeconds: soon\n') }), /mutate\.timeoutSeconds/],
    ['an out-of-range value', () => loadConfig({ file: file('r.yaml', 'server:\n  port: 70000\n') }), /server\.port/],
    ['an unknown nested field', () => loadConfig({ file: file('u.yaml', 'mutate:\n  timeoutSecond: 3\n') }), /mutate: unknown field\(s\) "timeoutSecond"/],
    ['an unknown top-level field', () => loadConfig({ file: file('v.yaml', 'prefx: a.b\n') }), /\(root\): unknown field\(s\) "prefx"/],
    ['a bad enum', () => loadConfig({ file: file('e.yaml', 'log:\n  level: loud\n') }), /log\.level/],
    ['a bad prefix', () => loadConfig({ flags: { prefix: 'Not A Domain' } }), /prefix: must be a DNS subdomain/],
    ['a non-number env value', () => loadConfig({ env: { AIBOM_MUTATE_TIMEOUT_SECONDS: 'five' } }), /AIBOM_MUTATE_TIMEOUT_SECONDS: expected a number/],
    ['a non-boolean env value', () => loadConfig({ env: { AIBOM_LABEL_POD_TEMPLATES: 'maybe' } }), /AIBOM_LABEL_POD_TEMPLATES: expected true or false/],
    ['a bad map env value', () => loadConfig({ env: { AIBOM_REGISTRIES_MIRRORS: 'docker.io' } }), /AIBOM_REGISTRIES_MIRRORS: expected key=value/],
    ['a missing file', () => loadConfig({ file: join(tmpdir(), 'aibom-does-not-exist.yaml') }), /cannot read config file .*ENOENT/],
    ['invalid YAML', () => loadConfig({ file: file('y.yaml', 'mutate: [\n') }), /is not valid YAML/],
    ['a YAML list instead of a mapping', () => loadConfig({ file: file('l.yaml', '- a\n- b\n') }), /must hold a mapping/],
  ];
  for (const [label, load, message] of bad) {
    it(`rejects ${label} with a ConfigError naming the field`, () => {
      expect(load).to.throw(ConfigError, message);
      try {
        load();
      } catch (err) {
        expect((err as Error).message).to.not.include('\n');
      }
    });
  }

  it('__proto__ in a file cannot pollute objects', () => {
    const c = loadConfig({ file: file('proto.yaml', '__proto__:\n  polluted: true\n') });
    expect(c).to.deep.equal(defaultConfig());
    expect(() => loadConfig({ file: file('proto2.yaml', 'mutate:\n  __proto__:\n    polluted: true\n') })).to.throw(ConfigError, /mutate: unknown field\(s\) "__proto__"/);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(() => validateConfig(JSON.parse('{"__proto__": {"polluted": true}}'))).to.throw(ConfigError, /unknown field/);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('admission settings exclude the webhook\'s own namespace', () => {
    const s = admissionSettings(loadConfig({ flags: { namespaces: { self: 'aibom' } } }));
    expect(s.excludedNamespaces).to.include.members(['aibom', 'kube-system', 'kube-public', 'kube-node-lease']);
    expect(s.prefix).to.equal('aibom.io');
  });
});
