// Structured logging: pino JSON lines on stderr (stdout stays free for command output). The logger is
// created once in the composition root and injected; modules never import a global logger.
// Never log secrets: request bodies, tokens and credentials are not passed to the logger, and the
// redaction paths below catch the usual suspects if a caller slips.
// Never log what an attacker sized (docs/limits.md "Logs"): every string field is clipped to
// LOG_FIELD_CHARS characters (uid, image references, names, namespaces and error messages come from
// requests and registries), arrays and objects to LOG_ENTRIES entries, and a line still over
// LOG_LINE_BYTES is written with fewer entries, or as a short line that says what was dropped.
// Child-logger bindings are not clipped (pino serialises them once): never bind request data.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Longest string field written to a log line (characters; the rest is replaced by a count). */
export const LOG_FIELD_CHARS = 256;
/** Most entries of one array or object field written to a log line (the rest are counted). */
export const LOG_ENTRIES = 64;
/** Longest log line, newline included (bytes). */
export const LOG_LINE_BYTES = 16 * 1024;
const MAX_DEPTH = 8;

export interface ClipLimits {
  chars: number;
  entries: number;
}

const FIELD_LIMITS: ClipLimits = { chars: LOG_FIELD_CHARS, entries: LOG_ENTRIES };

export interface LoggerOptions {
  level: string;
  /** Defaults to stderr. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'aibom-webhook' },
      redact: { paths: ['authorization', 'token', 'password', '*.authorization', '*.token', '*.password', 'headers.authorization'], censor: '[redacted]' },
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => clipFields(obj) as Record<string, unknown>,
      },
      hooks: { streamWrite: capLine },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/**
 * A logger for records that bound their own fields (the audit record, src/audit/record.ts: request
 * fields ≤ 256 characters, texts ≤ 2 KiB, lists ≤ 100): fields are clipped at `limits` instead of the
 * defaults; the line limit still holds.
 */
export function recordLogger(log: Logger, limits: ClipLimits = { chars: 2048, entries: 128 }): Logger {
  return log.child({}, { formatters: { log: (obj) => clipFields(obj, limits) as Record<string, unknown> } });
}

/** A logger that writes nothing (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** `value` with every string clipped to `limits.chars` and every array/object to `limits.entries` entries. */
export function clipFields(value: unknown, limits: ClipLimits = FIELD_LIMITS, depth = 0): unknown {
  if (typeof value === 'string') return clipString(value, limits.chars);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    const n = Math.min(value.length, limits.entries);
    const out: unknown[] = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = clipFields(value[i], limits, depth + 1);
    if (value.length > n) out.push(`…${value.length - n} more`);
    return out;
  }
  if (value instanceof Error) return { type: value.name, message: clipString(value.message, limits.chars), stack: clipString(value.stack ?? '', limits.chars) };
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    // The top level holds the fields our code chose; nested objects may come from a request.
    if (n === limits.entries && depth > 0) {
      out['…'] = 'more fields not logged';
      break;
    }
    out[clipString(key, limits.chars)] = clipFields((value as Record<string, unknown>)[key], limits, depth + 1);
    n++;
  }
  return out;
}

function clipString(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…(+${s.length - max} chars)`;
}

// Fewer entries per list, then none, until the line fits.
const SHRINK: ClipLimits[] = [
  { chars: LOG_FIELD_CHARS, entries: 16 },
  { chars: LOG_FIELD_CHARS, entries: 4 },
  { chars: 64, entries: 0 },
];
const KEPT = ['level', 'time', 'service', 'msg', 'webhook', 'uid', 'outcome', 'verdict'];

/** The line itself when ≤ LOG_LINE_BYTES; otherwise the same record with fewer entries, marked `truncated`. */
export function capLine(line: string): string {
  // UTF-16 length ≤ UTF-8 bytes ≤ 3 × length: only a long line needs its bytes counted.
  if (line.length <= LOG_LINE_BYTES / 3) return line;
  const bytes = Buffer.byteLength(line, 'utf8');
  if (bytes <= LOG_LINE_BYTES) return line;
  const truncated = `line of ${bytes} bytes over the ${LOG_LINE_BYTES}-byte limit: lists and texts shortened`;
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${JSON.stringify({ msg: 'log line not written', truncated })}\n`;
  }
  for (const limits of SHRINK) {
    const out = `${JSON.stringify({ ...(clipFields(obj, limits) as Record<string, unknown>), truncated })}\n`;
    if (Buffer.byteLength(out, 'utf8') <= LOG_LINE_BYTES) return out;
  }
  const short: Record<string, unknown> = {};
  for (const k of KEPT) if (k in obj) short[k] = clipFields(obj[k], { chars: 64, entries: 0 });
  return `${JSON.stringify({ ...short, truncated })}\n`;
}
