/**
 * pino logging: one root logger, one child per context (`logger.child({ context: 'headend' })`), and a correlation
 * id on every line that belongs to one request or message (`withCorrelation`). Personal data never reaches a line
 * in full: the redact paths below mask the fields that carry it, whatever object they sit in.
 */
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineSettings, loadSettings, setting } from './config.ts';
import { scrubText } from './pii.ts';

const loggingSettings = defineSettings('logging', {
  level: setting('ABONE_LOG_LEVEL', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info', 'least severe level written to the log (JSON lines on stdout)'),
  file: setting('ABONE_LOG_FILE', z.string().optional(), undefined as string | undefined, 'append the log to this file instead of stdout (the test suite collects its logs this way and scans them for personal data)'),
});
const { level, file } = loadSettings(loggingSettings);

let rawTap: ((line: string) => void) | undefined; // see tapRawLogLines

export const rootLogger = pino({
  level,
  base: { app: 'abone' },
  redact: {
    paths: ['password', 'secret', '*.password', '*.secret', 'tckn', '*.tckn', 'iban', '*.iban', 'phone', '*.phone', 'req.headers.authorization', 'req.headers.cookie'],
    censor: '[masked]',
  },
  // The last line of defence: whatever a log call was given, a TCKN, IBAN or phone number leaves masked.
  hooks: { streamWrite: (line: string) => (rawTap?.(line), scrubText(line)) },
}, file ? pino.destination({ dest: file, append: true, sync: true, mkdir: true }) : undefined);

export type Logger = pino.Logger;

/**
 * Tests only: hands every log line to `tap` as the code wrote it, before the scrub above, so a test can prove that a
 * context logs no personal data by itself instead of leaning on that last line of defence. Returns the undo.
 */
export function tapRawLogLines(tap: (line: string) => void): () => void {
  rawTap = tap;
  return () => {
    if (rawTap === tap) rawTap = undefined;
  };
}

export function contextLogger(context: string): Logger {
  return rootLogger.child({ context });
}

export function newCorrelationId(): string {
  return randomUUID();
}

export function withCorrelation(log: Logger, correlationId: string = newCorrelationId()): Logger {
  return log.child({ correlationId });
}
