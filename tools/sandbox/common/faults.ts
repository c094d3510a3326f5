// Fault injection for the sandboxes, per operation or globally, by rate or scripted one-shot.
// What each kind means for a handler:
// - server-error: answer HTTP 500 without applying the operation;
// - applied-no-answer: apply the operation, then never answer (the client times out: ambiguous);
// - slow: wait `delayMs`, then handle normally;
// - broken-signature: apply, then corrupt the response signature (the client must refuse it);
// - late-apply: never answer, and apply the operation `lateApplyMs` later, after the client has
//   given up (the window where a read right after the timeout shows nothing yet).
import { seededRandom } from './random';

export const FAULT_KINDS = [
  'server-error',
  'applied-no-answer',
  'slow',
  'broken-signature',
  'late-apply',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRates {
  serverErrorRate?: number;
  appliedNoAnswerRate?: number;
  slowRate?: number;
  slowMs?: number;
  brokenSignatureRate?: number;
  lateApplyRate?: number;
  /** How long after the request a late-apply fault applies it (default 5 s). */
  lateApplyMs?: number;
}

export interface FaultDecision {
  kind: FaultKind | 'none';
  delayMs: number;
}

export interface FaultInjectorOptions {
  seed?: number;
  global?: FaultRates;
  perOperation?: Record<string, FaultRates>;
}

const DEFAULT_SLOW_MS = 2000;
const DEFAULT_LATE_APPLY_MS = 5000;

export class FaultInjector {
  private random: () => number;
  private global: FaultRates;
  private readonly perOperation = new Map<string, FaultRates>();
  private readonly scripted = new Map<string, FaultKind[]>();
  readonly history: Array<{ operation: string; kind: FaultKind; at: string }> = [];

  constructor(options: FaultInjectorOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.global = options.global ?? {};
    for (const [op, rates] of Object.entries(options.perOperation ?? {})) this.perOperation.set(op, rates);
  }

  /** Rates for one operation, or for all (`operation` omitted). Replaces the previous rates there. */
  setRates(rates: FaultRates, operation?: string): void {
    validateRates(rates);
    if (operation) this.perOperation.set(operation, rates);
    else this.global = rates;
  }

  /** The next calls of `operation` (or of any operation, `*`) get these faults, in order. */
  script(operation: string, ...kinds: FaultKind[]): void {
    const queue = this.scripted.get(operation) ?? [];
    queue.push(...kinds);
    this.scripted.set(operation, queue);
  }

  clear(): void {
    this.global = {};
    this.perOperation.clear();
    this.scripted.clear();
  }

  reseed(seed: number): void {
    this.random = seededRandom(seed);
  }

  decide(operation: string): FaultDecision {
    // Rates set for an operation replace the global ones for it (not merged).
    const rates = this.perOperation.get(operation) ?? this.global;
    const scripted = this.scripted.get(operation)?.shift() ?? this.scripted.get('*')?.shift();
    const kind = scripted ?? this.draw(rates);
    if (kind === 'none') return { kind, delayMs: 0 };
    this.history.push({ operation, kind, at: new Date().toISOString() });
    const delayMs =
      kind === 'slow'
        ? (rates.slowMs ?? DEFAULT_SLOW_MS)
        : kind === 'late-apply'
          ? (rates.lateApplyMs ?? DEFAULT_LATE_APPLY_MS)
          : 0;
    return { kind, delayMs };
  }

  private draw(rates: FaultRates): FaultKind | 'none' {
    // One draw per call, split into bands, so the rates mean what they say.
    const r = this.random();
    let edge = 0;
    const bands: Array<[FaultKind, number | undefined]> = [
      ['server-error', rates.serverErrorRate],
      ['applied-no-answer', rates.appliedNoAnswerRate],
      ['slow', rates.slowRate],
      ['broken-signature', rates.brokenSignatureRate],
      ['late-apply', rates.lateApplyRate],
    ];
    for (const [kind, rate] of bands) {
      edge += rate ?? 0;
      if (r < edge) return kind;
    }
    return 'none';
  }
}

function validateRates(rates: FaultRates): void {
  const total =
    (rates.serverErrorRate ?? 0) +
    (rates.appliedNoAnswerRate ?? 0) +
    (rates.slowRate ?? 0) +
    (rates.brokenSignatureRate ?? 0) +
    (rates.lateApplyRate ?? 0);
  for (const [k, v] of Object.entries(rates)) {
    if (typeof v !== 'number' || v < 0 || (!k.endsWith('Ms') && v > 1))
      throw new RangeError(`fault rate ${k} must be in 0..1`);
  }
  if (total > 1) throw new RangeError('fault rates add up to more than 1');
}
