// Pickle opcode walker (CPython Lib/pickletools.py is the opcode reference; protocols 0–5). It never
// unpickles: it steps through the opcodes with a symbolic stack and memo, so that STACK_GLOBAL's
// operands are resolved even when they come from the memo, REDUCE/NEWOBJ/INST/OBJ calls are seen,
// bytes that hold another pickle are walked too, and joblib's inline array data (written between
// opcodes by NumpyArrayWrapper) is stepped over by its declared size. Every global is judged by
// pickle-policy.ts; findings carry the exact opcode offset.
import { Cursor, FormatError, bufferSource, type ByteSource, type ReadBudget } from './source.js';
import { judgeGlobal } from './pickle-policy.js';
import type { FormatLimits } from './types.js';
import { MARK, MAX_GLOBALS, OTHER, type PickleGlobal, type PickleScan, type Value, type WalkOptions } from './pickle-types.js';
import { skipJoblibArray } from './pickle-joblib.js';

export type { PickleGlobal, PickleScan, WalkOptions } from './pickle-types.js';

const MAX_MEMO = 1_000_000;
const MAX_STACK = 1_000_000;
const NESTED_MAX = 16 * 1024 * 1024;

/** Walks the pickle(s) of `source` from `start`. Never throws on bad input: problems become findings. */
export async function walkPickle(source: ByteSource, limits: FormatLimits, options: WalkOptions = {}, start = 0): Promise<PickleScan> {
  const budget: ReadBudget = { remaining: limits.maxInflateBytes };
  const scan: PickleScan = { protocol: 0, opcodes: 0, streams: 0, complete: false, globals: [], findings: [], consumed: 0, tensorElements: 0 };
  const c = new Cursor(source, start, budget);
  const maxStreams = options.maxStreams ?? 8;
  try {
    while (scan.streams < maxStreams && c.remaining > 0) {
      if (scan.streams > 0) {
        // Another pickle follows only if the next byte is PROTO with a sane protocol.
        const peek = await source.read(c.pos, 2);
        if (peek.length < 2 || peek[0] !== 0x80 || peek[1]! < 2 || peek[1]! > 5) break;
      }
      scan.streams++;
      scan.complete = false;
      await walkOne(c, scan, limits, options);
      scan.complete = true;
      scan.consumed = c.pos - start;
    }
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    scan.findings.push({ code: err.code === 'truncated' ? 'truncated' : err.code === 'budget' ? 'pickle-too-large' : 'malformed-pickle', severity: 'low', message: `pickle: ${err.message}`, ...(err.offset !== undefined ? { offset: err.offset } : {}), ...(options.member ? { member: options.member } : {}) });
  }
  return scan;
}

async function line(c: Cursor, max = 4096): Promise<string> {
  let s = '';
  for (let i = 0; i < max; i++) {
    const b = await c.u8();
    if (b === 0x0a) return s;
    s += String.fromCharCode(b);
  }
  throw new FormatError('malformed', `text argument longer than ${max} bytes at offset ${c.pos}`, c.pos);
}

// eslint-disable-next-line max-lines-per-function -- one switch over the pickle opcodes: the symbolic stack and memo are its locals, as in CPython's pickletools
async function walkOne(c: Cursor, scan: PickleScan, limits: FormatLimits, options: WalkOptions): Promise<void> {
  const stack: Value[] = [];
  const memo = new Map<string, Value>();
  const depth = options.depth ?? 0;
  const pop = (at: number): Value => {
    const v = stack.pop();
    if (v === undefined) throw new FormatError('malformed', `stack underflow at offset ${at}`, at);
    return v;
  };
  const popMark = (at: number): Value[] => {
    const items: Value[] = [];
    for (;;) {
      const v = stack.pop();
      if (v === undefined) throw new FormatError('malformed', `no MARK on the stack at offset ${at}`, at);
      if (v === MARK) return items.reverse();
      items.push(v);
    }
  };
  const top = (at: number): Value => {
    const v = stack[stack.length - 1];
    if (v === undefined) throw new FormatError('malformed', `empty stack at offset ${at}`, at);
    return v;
  };
  const push = (v: Value): void => {
    if (stack.length >= MAX_STACK) throw new FormatError('budget', `pickle stack deeper than ${MAX_STACK}`, c.pos);
    stack.push(v);
  };
  const put = (key: string, v: Value): void => {
    if (memo.size < MAX_MEMO || memo.has(key)) memo.set(key, v);
  };
  const record = (module: string, name: string, offset: number, opcode: PickleGlobal['opcode']): string => {
    const full = `${module}.${name}`;
    if (scan.globals.length < MAX_GLOBALS && !scan.globals.some((g) => g.module === module && g.name === name)) {
      scan.globals.push({ module, name, offset, opcode, verdict: judgeGlobal(module, name), called: false });
    }
    return full;
  };
  const called = (callee: Value): string => {
    const name = callee.k === 'global' ? callee.name : callee.k === 'call' ? `${callee.callee}()` : '?';
    if (callee.k === 'global') {
      const g = scan.globals.find((x) => `${x.module}.${x.name}` === callee.name);
      if (g) g.called = true;
    }
    return name;
  };
  const nested = async (bytes: Uint8Array, at: number): Promise<void> => {
    if (depth >= Math.min(limits.maxDepth, 8)) {
      scan.findings.push({ code: 'nested-pickle-too-deep', severity: 'medium', message: `pickle nested in pickle deeper than 8 levels at offset ${at}: not walked`, offset: at });
      return;
    }
    const inner = await walkPickle(bufferSource(bytes), limits, { member: `${options.member ?? 'pickle'} → bytes at offset ${at}`, maxStreams: 2, depth: depth + 1 });
    scan.findings.push({ code: 'nested-pickle', severity: 'info', message: `bytes at offset ${at} hold another pickle (walked)`, offset: at, ...(options.member ? { member: options.member } : {}) });
    for (const g of inner.globals) {
      if (scan.globals.length >= MAX_GLOBALS) break;
      scan.globals.push({ ...g, offset: at });
    }
    scan.findings.push(...inner.findings);
  };
  const bytesValue = async (n: number, at: number): Promise<Value> => {
    if (n > c.remaining) throw new FormatError('truncated', `bytes of length ${n} at offset ${at} run past the end`, at);
    if (n >= 4 && n <= NESTED_MAX) {
      const head = await c.source.read(c.pos, 2);
      if (head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5) {
        const copy = new Uint8Array(await c.bytes(n));
        await nested(copy, at);
        return { k: 'bytes', n };
      }
    }
    await c.skip(n);
    return { k: 'bytes', n };
  };
  const strValue = async (n: number, at: number): Promise<Value> => {
    if (n > c.remaining) throw new FormatError('truncated', `string of length ${n} at offset ${at} runs past the end`, at);
    const { text } = await c.string(n, Math.max(limits.maxStringBytes, 256));
    return { k: 'str', v: text };
  };

  for (;;) {
    if (scan.opcodes++ >= limits.maxPickleOps) throw new FormatError('budget', `more than ${limits.maxPickleOps} opcodes`, c.pos);
    const at = c.pos;
    const op = await c.u8();
    switch (op) {
      case 0x80: { // PROTO
        scan.protocol = Math.max(scan.protocol, await c.u8());
        break;
      }
      case 0x95: // FRAME: framing is transparent to the opcode stream
        await c.u64();
        break;
      case 0x2e: // STOP
        if (stack.length === 0 || stack[stack.length - 1] === MARK) throw new FormatError('malformed', `STOP without a value on the stack at offset ${at}`, at);
        return;
      case 0x28: push(MARK); break; // MARK
      case 0x30: pop(at); break; // POP
      case 0x31: popMark(at); break; // POP_MARK
      case 0x32: push(top(at)); break; // DUP
      case 0x4e: case 0x88: case 0x89: push(OTHER); break; // NONE NEWTRUE NEWFALSE
      case 0x4b: push({ k: 'int', v: await c.u8() }); break; // BININT1
      case 0x4d: push({ k: 'int', v: await c.u16() }); break; // BININT2
      case 0x4a: push({ k: 'int', v: await c.i32() }); break; // BININT
      case 0x47: await c.skip(8); push(OTHER); break; // BINFLOAT
      case 0x49: case 0x4c: { // INT LONG (text)
        const t = await line(c);
        const v = Number.parseInt(t, 10);
        push(Number.isSafeInteger(v) ? { k: 'int', v } : OTHER);
        break;
      }
      case 0x46: await line(c); push(OTHER); break; // FLOAT
      case 0x8a: { // LONG1
        const n = await c.u8();
        const b = await c.bytes(n);
        let v = 0;
        for (let i = n - 1; i >= 0; i--) v = v * 256 + b[i]!;
        push(n <= 6 && (n === 0 || b[n - 1]! < 0x80) ? { k: 'int', v } : OTHER);
        break;
      }
      case 0x8b: { const n = await c.u32(); await c.skip(n); push(OTHER); break; } // LONG4
      case 0x50: await line(c); push(OTHER); break; // PERSID
      case 0x51: pop(at); push(OTHER); break; // BINPERSID
      case 0x53: { // STRING (quoted repr)
        const t = await line(c);
        push({ k: 'str', v: t.replace(/^(['"])(.*)\1$/s, '$2') });
        break;
      }
      case 0x54: push(await strValue(await c.i32(), at)); break; // BINSTRING
      case 0x55: push(await strValue(await c.u8(), at)); break; // SHORT_BINSTRING
      case 0x56: push({ k: 'str', v: await line(c, 1 << 20) }); break; // UNICODE
      case 0x58: push(await strValue(await c.u32(), at)); break; // BINUNICODE
      case 0x8c: push(await strValue(await c.u8(), at)); break; // SHORT_BINUNICODE
      case 0x8d: push(await strValue(await c.u64(), at)); break; // BINUNICODE8
      case 0x42: push(await bytesValue(await c.u32(), at)); break; // BINBYTES
      case 0x43: push(await bytesValue(await c.u8(), at)); break; // SHORT_BINBYTES
      case 0x8e: case 0x96: push(await bytesValue(await c.u64(), at)); break; // BINBYTES8 BYTEARRAY8
      case 0x97: push(OTHER); break; // NEXT_BUFFER
      case 0x98: break; // READONLY_BUFFER
      case 0x29: push({ k: 'tuple', items: [] }); break; // EMPTY_TUPLE
      case 0x5d: case 0x8f: push(OTHER); break; // EMPTY_LIST EMPTY_SET
      case 0x7d: push({ k: 'dict', entries: new Map() }); break; // EMPTY_DICT
      case 0x74: push({ k: 'tuple', items: popMark(at).slice(0, 16) }); break; // TUPLE
      case 0x85: push({ k: 'tuple', items: [pop(at)] }); break; // TUPLE1
      case 0x86: { const b = pop(at); const a = pop(at); push({ k: 'tuple', items: [a, b] }); break; } // TUPLE2
      case 0x87: { const z = pop(at); const b = pop(at); const a = pop(at); push({ k: 'tuple', items: [a, b, z] }); break; } // TUPLE3
      case 0x6c: case 0x91: popMark(at); push(OTHER); break; // LIST FROZENSET
      case 0x64: { // DICT
        const items = popMark(at);
        const d: Value = { k: 'dict', entries: new Map() };
        for (let i = 0; i + 1 < items.length; i += 2) setItem(d, items[i]!, items[i + 1]!);
        push(d);
        break;
      }
      case 0x61: pop(at); top(at); break; // APPEND
      case 0x65: case 0x90: popMark(at); top(at); break; // APPENDS ADDITEMS
      case 0x73: { const v = pop(at); const k = pop(at); setItem(top(at), k, v); break; } // SETITEM
      case 0x75: { // SETITEMS
        const items = popMark(at);
        const d = top(at);
        for (let i = 0; i + 1 < items.length; i += 2) setItem(d, items[i]!, items[i + 1]!);
        break;
      }
      case 0x63: { // GLOBAL
        const module = await line(c);
        const name = await line(c);
        push({ k: 'global', name: record(module, name, at, 'GLOBAL') });
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop(at);
        const module = pop(at);
        if (module.k === 'str' && name.k === 'str') push({ k: 'global', name: record(module.v, name.v, at, 'STACK_GLOBAL') });
        else {
          scan.findings.push({ code: 'unresolved-global', severity: 'high', message: `STACK_GLOBAL at offset ${at} takes operands that are not constant strings: the imported callable cannot be known without running the pickle`, offset: at, ...(options.member ? { member: options.member } : {}) });
          push({ k: 'global', name: '?' });
        }
        break;
      }
      case 0x69: { // INST module\nname\n, args from the mark
        const module = await line(c);
        const name = await line(c);
        const full = record(module, name, at, 'INST');
        const args = popMark(at);
        const g = scan.globals.find((x) => `${x.module}.${x.name}` === full);
        if (g) g.called = true;
        push({ k: 'call', callee: full, args: { k: 'tuple', items: args } });
        break;
      }
      case 0x6f: { // OBJ: class and args from the mark
        const items = popMark(at);
        const cls = items[0];
        if (!cls) throw new FormatError('malformed', `OBJ with an empty mark at offset ${at}`, at);
        push({ k: 'call', callee: called(cls), args: { k: 'tuple', items: items.slice(1) } });
        break;
      }
      case 0x52: { // REDUCE
        const args = pop(at);
        const fn = pop(at);
        const callee = called(fn);
        if (/^torch\._utils\._rebuild_tensor(_v2)?$/.test(callee) && args.k === 'tuple' && args.items[2]?.k === 'tuple') {
          let n = 1;
          for (const s of args.items[2].items) n *= s.k === 'int' ? s.v : NaN;
          if (Number.isFinite(n)) scan.tensorElements += n;
        }
        push({ k: 'call', callee, args });
        break;
      }
      case 0x81: { // NEWOBJ
        const args = pop(at);
        const cls = pop(at);
        push({ k: 'call', callee: called(cls), args });
        break;
      }
      case 0x92: { // NEWOBJ_EX
        pop(at);
        const args = pop(at);
        const cls = pop(at);
        push({ k: 'call', callee: called(cls), args });
        break;
      }
      case 0x62: { // BUILD
        const state = pop(at);
        const obj = top(at);
        if (obj.k === 'call') {
          obj.state = state;
          if (obj.callee === 'joblib.numpy_pickle.NumpyArrayWrapper') await skipJoblibArray(c, obj, scan, limits, options, walkPickle);
        }
        break;
      }
      case 0x82: case 0x83: case 0x84: { // EXT1 EXT2 EXT4: a global through the copyreg extension registry
        const code = op === 0x82 ? await c.u8() : op === 0x83 ? await c.u16() : await c.i32();
        scan.findings.push({ code: 'pickle-extension-code', severity: 'medium', message: `EXT opcode at offset ${at} names extension code ${code}: a global registered with copyreg, unknown here`, offset: at, ...(options.member ? { member: options.member } : {}) });
        push({ k: 'global', name: `copyreg.extension#${code}` });
        break;
      }
      case 0x67: push(memo.get(memoKey(await line(c))) ?? OTHER); break; // GET
      case 0x68: push(memo.get(String(await c.u8())) ?? OTHER); break; // BINGET
      case 0x6a: push(memo.get(String(await c.u32())) ?? OTHER); break; // LONG_BINGET
      case 0x70: put(memoKey(await line(c)), top(at)); break; // PUT
      case 0x71: put(String(await c.u8()), top(at)); break; // BINPUT
      case 0x72: put(String(await c.u32()), top(at)); break; // LONG_BINPUT
      case 0x94: put(String(memo.size), top(at)); break; // MEMOIZE
      default:
        throw new FormatError('malformed', `unknown opcode 0x${op.toString(16).padStart(2, '0')} at offset ${at}`, at);
    }
  }
}

/** Text memo keys (GET/PUT) are integers like the binary ones. */
function memoKey(text: string): string {
  return String(Number.parseInt(text, 10));
}

function setItem(target: Value, key: Value, value: Value): void {
  if (target.k === 'dict' && key.k === 'str' && target.entries.size < 256) target.entries.set(key.v, value);
}
