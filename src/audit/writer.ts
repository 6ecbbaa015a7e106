// Where audit records go: one JSON line each, through the process logger (pino: stderr, collected with
// the other logs, `"msg":"aibom audit"` to filter on) or any line writer.
import type { AuditRecord } from './record.js';

export type AuditSink = (record: AuditRecord) => void;

/** The structural part of a pino logger the sink needs. */
export interface InfoLogger {
  info(object: object, message: string): void;
}

export const AUDIT_MESSAGE = 'aibom audit';

export function loggerAuditSink(log: InfoLogger): AuditSink {
  return (record) => log.info(record, AUDIT_MESSAGE);
}

/** Plain JSON lines (`aibom review`, tests). */
export function lineAuditSink(write: (line: string) => void): AuditSink {
  return (record) => write(`${JSON.stringify(record)}\n`);
}
