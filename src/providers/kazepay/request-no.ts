// KazePay's requestNo: digits, a yyyyMMddHHmmss timestamp followed by 8 to 10 digits (spec §0.1).
// A fresh one for every HTTP attempt. The random part comes from the CSPRNG (so separate workers
// do not collide in practice) and a generator never hands out the same value twice.
import { randomInt } from 'node:crypto';

export interface RequestNoOptions {
  /** Digits after the timestamp: 8, 9 or 10 (default 10). */
  randomDigits?: 8 | 9 | 10;
  /**
   * UNCONFIRMED: the time zone of the timestamp. Default 0 (UTC); KazePay may expect its own
   * local time (e.g. 480 for UTC+8). Only the format is known to matter.
   */
  utcOffsetMinutes?: number;
  now?: () => Date;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatRequestTimestamp(date: Date, utcOffsetMinutes = 0): string {
  const d = new Date(date.getTime() + utcOffsetMinutes * 60_000);
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
  );
}

export const REQUEST_NO_PATTERN = /^\d{14}\d{8,10}$/;

/**
 * What the client does when an answer's `head.requestNo` is not the one it sent. UNCONFIRMED:
 * in 12 of the seed's 14 request/answer example pairs the two differ, so the default (`warn`)
 * logs the mismatch (apiCode and both requestNos, nothing secret) and accepts the answer, which
 * was read from the same HTTP exchange and verified with the platform key. `must-match` refuses
 * it as ResponseIntegrity. Setting: KAZEPAY_RESPONSE_REQUEST_NO.
 */
export type ResponseRequestNoPolicy = 'warn' | 'must-match';
export const DEFAULT_RESPONSE_REQUEST_NO_POLICY: ResponseRequestNoPolicy = 'warn';

export function requestNoGenerator(options: RequestNoOptions = {}): () => string {
  const digits = options.randomDigits ?? 10;
  const now = options.now ?? (() => new Date());
  let currentStamp = '';
  const issued = new Set<string>();
  return () => {
    const stamp = formatRequestTimestamp(now(), options.utcOffsetMinutes ?? 0);
    if (stamp !== currentStamp) {
      currentStamp = stamp;
      issued.clear();
    }
    for (;;) {
      // randomInt's upper bound must stay below 2^48: split the digits in two draws.
      const high = randomInt(0, 10 ** (digits - 5));
      const low = randomInt(0, 100_000);
      const candidate = `${stamp}${pad(high, digits - 5)}${pad(low, 5)}`;
      if (!issued.has(candidate)) {
        issued.add(candidate);
        return candidate;
      }
    }
  };
}
