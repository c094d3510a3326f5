// Installs the Temporal SDK runtime once per process: SDK and core logs forwarded to our pino
// logger (so they are redacted too), and Prometheus metrics from the core.
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { Logger } from '../logging/logger';
import { PROVIDER_CALL_METRICS, PROVIDER_LATENCY_BUCKETS_MS } from './provider-call-metrics';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Adapts pino to the SDK's Logger interface. */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: Logger) {}
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.logger[PINO_LEVEL[level]](meta ?? {}, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

export interface RuntimeSettings {
  /** `host:port` for the Prometheus endpoint, or `off`. */
  metricsBindAddress: string;
  /** Core log level; the core is chatty below WARN. */
  coreLogLevel?: LogLevel;
}

let installed = false;

/** Must run before any Connection, NativeConnection or Worker is created in the process. */
export function installTemporalRuntime(logger: Logger, settings: RuntimeSettings): Runtime {
  if (installed) return Runtime.instance();
  const runtime = Runtime.install({
    logger: new PinoTemporalLogger(logger.child({ component: 'temporal' })),
    telemetryOptions: {
      logging: {
        filter: makeTelemetryFilterString({ core: settings.coreLogLevel ?? 'WARN', other: 'ERROR' }),
        forward: {},
      },
      ...(settings.metricsBindAddress === 'off'
        ? {}
        : {
            metrics: {
              prometheus: {
                bindAddress: settings.metricsBindAddress,
                histogramBucketOverrides: { [PROVIDER_CALL_METRICS.latency]: PROVIDER_LATENCY_BUCKETS_MS },
              },
            },
          }),
    },
  });
  installed = true;
  return runtime;
}
