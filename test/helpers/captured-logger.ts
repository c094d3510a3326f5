// A logger whose lines the test reads back (what was warned, and that no secret was written).
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger';

export function capturedLogger(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ level: 'info' }, stream), text: () => lines.join('') };
}
