// Structured logging: pino JSON lines on stderr (stdout stays free for command output). The logger is
// created once in the composition root and injected; modules never import a global logger.
// Never log secrets: request bodies, tokens and credentials are not passed to the logger, and the
// redaction paths below catch the usual suspects if a caller slips.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

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
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that writes nothing (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
