import { expect } from 'chai';
import { EgressBlockedError, EgressPolicy, guardedConnector, specialReason } from '../../../src/registry/egress.js';

describe('registry/egress', () => {
  const table: [string, string | undefined][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.32.0.1', undefined],
    ['192.168.1.1', 'private'],
    ['fd12::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['fd00:0ec2:0:0::254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['100.64.0.1', 'special'],
    ['0.0.0.0', 'special'],
    ['::', 'special'],
    ['224.0.0.1', 'special'],
    ['255.255.255.255', 'special'],
    ['2002:0a00:0001::1', 'private'], // 6to4 wrapping 10.0.0.1
    ['8.8.8.8', undefined],
    ['2606:4700::1111', undefined],
  ];
  for (const [address, reason] of table) {
    it(`classifies ${address} as ${reason ?? 'public'}`, () => {
      expect(specialReason(address)).to.equal(reason);
    });
  }

  it('refuses special addresses unless allowed by host glob, host:port, CIDR or --insecure-registry', () => {
    const p = new EgressPolicy({ allow: ['*.corp.example', '10.1.0.0/16', 'fd00:1::/32', 'reg.local:5000'], deny: ['evil.example', '8.8.4.0/24'], insecure: ['127.0.0.1:5001'] });
    expect(p.check('registry.corp.example', 443, '10.9.9.9').allowed).to.equal(true);
    expect(p.check('corp.example', 443, '10.9.9.9')).to.deep.equal({ allowed: false, reason: 'private' }); // `*` is one label
    expect(p.check('a.b.corp.example', 443, '10.9.9.9').allowed).to.equal(false);
    expect(p.check('other', 443, '10.1.2.3').allowed).to.equal(true);
    expect(p.check('other', 443, 'fd00:1::5').allowed).to.equal(true);
    expect(p.check('reg.local', 5000, '192.168.0.2').allowed).to.equal(true);
    expect(p.check('reg.local', 5001, '192.168.0.2').allowed).to.equal(false);
    expect(p.check('127.0.0.1', 5001, '127.0.0.1').allowed).to.equal(true);
    expect(p.check('127.0.0.1', 5002, '127.0.0.1')).to.deep.equal({ allowed: false, reason: 'loopback' });
    expect(p.check('evil.example', 443, '1.2.3.4')).to.deep.equal({ allowed: false, reason: 'denied' });
    expect(p.check('dns.example', 443, '8.8.4.4')).to.deep.equal({ allowed: false, reason: 'denied' });
    expect(p.check('ok.example', 443, '1.2.3.4').allowed).to.equal(true);
    expect(p.checkHost('evil.example', 443).allowed).to.equal(false);
  });

  it('the connector refuses before connecting: IP literals and names resolving to special addresses', async () => {
    const resolved: string[] = [];
    const connect = guardedConnector({
      policy: new EgressPolicy({}),
      resolve: async (name) => {
        resolved.push(name);
        return name === 'mixed.test' ? [{ address: '10.0.0.1', family: 4 }, { address: '169.254.169.254', family: 4 }] : [{ address: 'fd00:ec2::254', family: 6 }];
      },
    });
    const attempt = (hostname: string): Promise<Error | null> =>
      new Promise((resolve) => connect({ hostname, protocol: 'http:', port: '80' }, (err, socket) => {
        socket?.destroy();
        resolve(err);
      }));
    for (const host of ['169.254.169.254', '[fe80::1]', 'mixed.test', 'imds.test']) {
      const err = await attempt(host);
      expect(err, host).to.be.instanceOf(EgressBlockedError);
    }
    expect(resolved).to.deep.equal(['mixed.test', 'imds.test']);
    expect(((await attempt('imds.test')) as EgressBlockedError).reason).to.equal('metadata');
  });
});
