import { pino, type Logger as PinoLogger, type LoggerOptions } from 'pino';

export type Logger = PinoLogger;

export interface LogOptions {
  level: string;
  /** When true (the default), caller/callee numbers, SIP URIs and secrets are redacted. */
  redact: boolean;
}

/**
 * Paths redacted from every log line unless `log.redact: false`. Call logic logs numbers under these keys
 * only (`from`, `to`, `caller`, `callee`, `uri`), so one list covers them.
 */
export const REDACTED_PATHS = [
  'from', 'to', 'caller', 'callee', 'uri', 'requestUri', 'contact',
  '*.from', '*.to', '*.caller', '*.callee', '*.uri', '*.requestUri', '*.contact',
  'password', '*.password', 'secret', '*.secret', 'token', '*.token', 'authorization', '*.authorization',
];

export function createLogger(opts: LogOptions, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level: opts.level,
    base: { svc: 'switchboard' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (opts.redact) options.redact = { paths: REDACTED_PATHS, censor: '[redacted]' };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that discards everything (tests, benches). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
