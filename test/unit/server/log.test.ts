// Log lines are bounded whatever a request carries (src/server/log.ts, docs/limits.md "Logs"):
// string fields ≤ 256 characters, no line over 16 KiB, every line still one JSON object.
import { expect } from 'chai';
import fc from 'fast-check';
import { createLogger, LOG_FIELD_CHARS, LOG_LINE_BYTES, recordLogger, type Logger } from '../../../src/server/log.js';

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } }), lines };
}

function only(lines: string[]): Record<string, unknown> {
  expect(lines).to.have.length(1);
  const line = lines[0]!;
  expect(Buffer.byteLength(line, 'utf8')).to.be.at.most(LOG_LINE_BYTES);
  expect(line.endsWith('\n')).to.equal(true);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('log line bounds', () => {
  it('clips a 2.5 MB uid to 256 characters and says how much was cut', () => {
    const { log, lines } = capture();
    const uid = 'u'.repeat(2.5 * 1024 * 1024);
    log.warn({ webhook: 'validate', uid, err: 'request.object is missing' }, 'admission request refused');
    const line = only(lines);
    expect(line.msg).to.equal('admission request refused');
    expect(line.webhook).to.equal('validate');
    expect(line.uid).to.equal(`${'u'.repeat(LOG_FIELD_CHARS)}…(+${uid.length - LOG_FIELD_CHARS} chars)`);
    expect(lines[0]!.length).to.be.below(1024);
  });

  it('clips fields of a child logger without redaction (the per-admission decision line)', () => {
    const { log, lines } = capture();
    const decision = log.child({}, { redact: [] });
    decision.info({ uid: 'x'.repeat(3_000_000), name: 'p'.repeat(70_000), namespace: 'n'.repeat(10_000), lookups: [{ image: `127.0.0.1:5000/${'i'.repeat(100_000)}`, status: 'none' }] }, 'admission decided');
    const line = only(lines);
    expect(String(line.uid)).to.have.length.below(LOG_FIELD_CHARS + 32);
    expect(String(line.name)).to.have.length.below(LOG_FIELD_CHARS + 32);
    expect(String(line.namespace)).to.have.length.below(LOG_FIELD_CHARS + 32);
    const lookups = line.lookups as { image: string }[];
    expect(lookups[0]!.image.startsWith('127.0.0.1:5000/iii')).to.equal(true);
    expect(lookups[0]!.image).to.have.length.below(LOG_FIELD_CHARS + 32);
  });

  it('keeps a line of many clipped fields under 16 KiB: fewer entries, marked truncated, level, message and uid kept', () => {
    const { log, lines } = capture();
    const lookups = Array.from({ length: 10_000 }, (_, i) => ({ image: `127.0.0.1:5000/img-${i}-${'€'.repeat(300)}`, status: 'error:fetch', detail: 'd'.repeat(5000) }));
    log.info({ webhook: 'validate', uid: 'abc', outcome: 'allowed', lookups }, 'admission decided');
    const line = only(lines);
    expect(line).to.include({ level: 'info', msg: 'admission decided', uid: 'abc', outcome: 'allowed', webhook: 'validate' });
    expect(String(line.truncated)).to.match(/^line of \d+ bytes over the 16384-byte limit/);
    expect((line.lookups as unknown[]).length).to.be.below(20);
  });

  it('bounds deep, wide and error-valued fields', () => {
    const { log, lines } = capture();
    let deep: unknown = 'bottom';
    for (let i = 0; i < 5000; i++) deep = { d: deep };
    const wide = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`.padEnd(1000, 'k'), i]));
    log.error({ deep, wide, err: new Error('e'.repeat(1_000_000)) }, 'bad');
    const line = only(lines);
    expect(JSON.stringify(line.deep)).to.include('[nested too deep]');
    expect(String((line.err as { message: string }).message)).to.have.length.below(LOG_FIELD_CHARS + 32);
  });

  it('keeps an audit record whole when it fits (texts ≤ 2 KiB), and under 16 KiB when it does not', () => {
    const { log, lines } = capture();
    const audit = recordLogger(log);
    const message = 'm'.repeat(2000);
    audit.info({ audit: 1, uid: 'u1', verdict: 'denied', message, images: [{ image: 'a', models: ['x'] }] }, 'aibom audit');
    expect(only(lines)).to.include({ message, verdict: 'denied' });
    lines.length = 0;
    const images = Array.from({ length: 100 }, (_, i) => ({ image: `127.0.0.1:5000/i${i}`, models: Array.from({ length: 100 }, (_, j) => `model-${j}`.padEnd(200, 'x')) }));
    audit.info({ audit: 1, uid: 'u2', verdict: 'denied', message, images }, 'aibom audit');
    const line = only(lines);
    expect(line).to.include({ msg: 'aibom audit', uid: 'u2', verdict: 'denied' });
    expect(line.truncated).to.be.a('string');
  });

  it('property: whatever JSON a caller logs, the line is one JSON object of at most 16 KiB', () => {
    const big = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ minLength: 300, maxLength: 3000 }), fc.constantFrom('x'.repeat(70_000), '\u{1F600}'.repeat(9000), '"\\\u0000'.repeat(6000)));
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, big, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 80 }), fc.dictionary(fc.string({ maxLength: 300 }), tie('v'), { maxKeys: 80 })),
    })).v;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), value, { maxKeys: 12 }), big, (fields, uid) => {
        const { log, lines } = capture();
        log.info({ ...fields, uid }, 'm');
        const line = only(lines);
        expect(line.level).to.equal('info');
      }),
      { numRuns: 150 },
    );
  });
});
