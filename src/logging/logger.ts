// One pino logger for the engine, the Temporal SDK and the Temporal core (see temporal-runtime.ts).
// Every log object and message goes through the redaction of src/logging/redaction.ts.
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redactSensitive, redactText } from './redaction';
import type { CoreConfig } from '../config/engine';

export type { Logger } from 'pino';

export interface LoggerSettings {
  level: CoreConfig['CARDFLOW_LOG_LEVEL'];
  name?: string;
}

export function createLogger(settings: LoggerSettings, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: settings.name ?? 'cardflow',
    level: settings.level,
    // Errors are redacted as plain objects by redactSensitive, so no err serializer is needed.
    serializers: {},
    formatters: {
      log: (object) => redactSensitive(object) as Record<string, unknown>,
    },
    hooks: {
      // Messages are free text: mask card numbers and emails in them too.
      logMethod(args, method) {
        const scrubbed = args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg));
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
