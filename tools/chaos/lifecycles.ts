// The chaos suite's lifecycles: one card's whole life each, driven through the public HTTP API with
// the demo's flow runner (tools/demo/scenarios.ts), fed with canary values. KazePay: KYC → physical
// card activation (code from the sandbox mailer, PIN given at start) → deposit → closure.
// WasabiCard: cardholder → virtual card with an initial deposit → deposit → spend at a shop →
// closure. Some deposits are scripted to fail at the provider: a failed deposit is a legitimate
// end and its money must still reconcile. The sandboxes are read in-process: the mailer and the
// shop are the cardholder's side, not the engine's.
import { setTimeout as sleep } from 'node:timers/promises';
import { luhnValid } from '../../src/contract/luhn';
import { EngineApi, type HttpAnswer, SandboxControl } from '../demo/http';
import { applicant } from '../demo/applicant';
import { type DemoContext, type FlowLine, runFlow, untilCodeAwaited } from '../demo/scenarios';
import { WASABI_PATHS } from '../../src/providers/wasabi/paths';
import type { KazepaySandbox } from '../sandbox/kazepay/server';
import type { WasabiSandbox } from '../sandbox/wasabi/server';
import type { CanarySet } from './canaries';

/** One flow of a lifecycle as it ended. */
export interface FlowOutcome {
  type: string;
  workflowId: string;
  /** The result's outcome (PASSED, ACTIVE, SETTLED, FAILED, CLOSED...) or the failure type. */
  outcome: string;
  result: Record<string, unknown>;
  /** A failed flow's failure message (redacted by the API). */
  failure?: string;
}

export interface LifecycleRecord {
  id: string;
  provider: 'kazepay' | 'wasabi';
  customerRef: string;
  cardRef?: string;
  flows: FlowOutcome[];
  /** The provider was scripted to fail this lifecycle's deposit. */
  depositScriptedToFail: boolean;
  /** What the shop took from the card (WasabiCard). */
  spent?: string;
  /** Every flow ended and the card was closed. */
  completed: boolean;
  /** The driver gave up (a flow still running at its deadline, or an API answer it cannot use). */
  error?: string;
  ms: number;
}

export interface LifecycleWorld {
  api: EngineApi;
  kazepay: KazepaySandbox;
  wasabi: WasabiSandbox;
  canaries: CanarySet;
  run: string;
  pollInterval: string;
  flowTimeoutMs: number;
  /** Deterministic draws for amounts and scripted failures. */
  random: () => number;
}

/**
 * An EngineApi that waits out the engine being briefly unavailable (a server restarting), and
 * notes every answer the API must never give while it is: a 5xx other than 503, a 503 without
 * Retry-After, a 404 for a flow this driver started.
 */
export class PatientApi extends EngineApi {
  retried = 0;
  /** `METHOD /route status`: wrong answers seen (never ids or bodies). */
  readonly wrongAnswers: string[] = [];
  private readonly started = new Set<string>();
  constructor(
    baseUrl: string,
    token: string,
    private readonly patienceMs = 90_000,
  ) {
    super(baseUrl, token);
  }

  override async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpAnswer> {
    const until = Date.now() + this.patienceMs;
    for (;;) {
      try {
        const answer = await super.call(method, path, body);
        this.note(method, path, answer);
        if (answer.status !== 503 || Date.now() > until) return answer;
      } catch (error) {
        if (Date.now() > until) throw error;
      }
      this.retried++;
      await sleep(500);
    }
  }

  private note(method: string, path: string, answer: HttpAnswer): void {
    const [, first, id] = path.split('?')[0]?.split('/') ?? [];
    const flowId = first === 'flows' && id ? decodeURIComponent(id) : undefined;
    const isStart = method === 'POST' && first === 'flows' && path.split('/').length === 3;
    const workflowId = (answer.body as { workflowId?: unknown } | undefined)?.workflowId;
    if (isStart && answer.status < 300 && typeof workflowId === 'string') this.started.add(workflowId);
    const route = flowId ? path.replace(`/flows/${id}`, '/flows/:id').split('?')[0] : path.split('?')[0];
    if (answer.status >= 500 && answer.status !== 503)
      this.wrongAnswers.push(`${method} ${route} ${answer.status}`);
    else if (answer.status === 503 && !answer.headers?.get('retry-after'))
      this.wrongAnswers.push(`${method} ${route} 503 without Retry-After`);
    else if (answer.status === 404 && flowId && this.started.has(flowId))
      this.wrongAnswers.push(`${method} ${route} 404 for a flow it started`);
  }
}

/** The shared canaries: one spelling for every lifecycle, so a leak of any of them is found. */
export const CANARY = {
  firstName: 'Zyxchaosina',
  lastName: 'Quolbrandtz',
  emailDomain: 'chaos-canary.example',
  addressLine: '41 Vebmorintstrasse',
  passportPrefix: 'ZQC',
  /** Printed card numbers: this prefix, then digits, then the Luhn check digit (16 digits). */
  panPrefix: '4927361958',
  pin: '730518',
  documentBytes: 'DOCCANARY-Chaos-7f3e9b',
} as const;

export function registerFixedCanaries(canaries: CanarySet): void {
  canaries.text('first name', CANARY.firstName);
  canaries.text('last name', CANARY.lastName);
  canaries.text('email domain', CANARY.emailDomain);
  canaries.text('address line', CANARY.addressLine);
  canaries.text('document bytes', CANARY.documentBytes);
  canaries.digits('PIN', CANARY.pin);
}

const PNG = Buffer.concat([
  Buffer.from('89504e470d0a1a0a', 'hex'),
  Buffer.from(CANARY.documentBytes),
  Buffer.alloc(48, 3),
]);
const JPEG = Buffer.concat([
  Buffer.from('ffd8ffe0', 'hex'),
  Buffer.from(CANARY.documentBytes),
  Buffer.alloc(48, 5),
]);
const WASABI_CARD_TYPE = '111065';

function person(world: LifecycleWorld, n: number, tag: string) {
  const serial = String(n).padStart(6, '0');
  const passport = `${CANARY.passportPrefix}${serial}${tag === 'kz' ? '1' : '2'}`;
  world.canaries.text(`passport number ${n}`, passport);
  return {
    ...applicant(world.run, tag),
    email: `chaos.${tag}.${world.run}.${n}@${CANARY.emailDomain}`,
    firstName: CANARY.firstName,
    lastName: CANARY.lastName,
    address: {
      line: CANARY.addressLine,
      city: 'Kuala Lumpur',
      state: 'Wilayah Persekutuan',
      postCode: '50450',
      country: 'MY',
    },
    identification: { type: 'PASSPORT' as const, number: passport, expiryDate: '2032-01-01' },
  };
}

function canaryPan(n: number, run: string): string {
  // 10-digit prefix + 5 digits from the run and the lifecycle number + the check digit.
  const body = `${CANARY.panPrefix}${String((hash(run) + n * 7919) % 100_000).padStart(5, '0')}`;
  for (let d = 0; d < 10; d++) if (luhnValid(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable');
}

function hash(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
}

const amount = (world: LifecycleWorld, min: number, max: number, decimals: number) =>
  (min + Math.floor(world.random() * (max - min + 1))).toFixed(decimals);

function context(world: LifecycleWorld): DemoContext {
  const noLine = (label: string, provider: 'kazepay' | 'wasabi'): FlowLine => ({
    label,
    provider,
    state: 'starting',
    done: false,
  });
  return {
    api: world.api,
    kazepay: new SandboxControl(world.kazepay.url),
    wasabi: new SandboxControl(world.wasabi.url),
    spend: async () => undefined,
    track: noLine,
    run: world.run,
    flowTimeoutMs: world.flowTimeoutMs,
    followEveryMs: 500,
  };
}

type Step = Parameters<typeof runFlow>[1];

/** Results, not failures: what a flow may legitimately end with. */
const BUSINESS_OUTCOMES = new Set(['PASSED', 'REJECTED', 'ACTIVE', 'ISSUED', 'SETTLED', 'FAILED', 'CLOSED']);

async function step(
  ctx: DemoContext,
  record: LifecycleRecord,
  spec: Omit<Step, 'expected' | 'label'>,
): Promise<FlowOutcome> {
  const { report, result } = await runFlow(ctx, { ...spec, label: spec.type, expected: '' });
  const outcome: FlowOutcome = {
    type: spec.type,
    workflowId: report.workflowId,
    outcome: report.outcome,
    result,
  };
  if (!BUSINESS_OUTCOMES.has(report.outcome)) {
    const ended = await ctx.api.flow(report.workflowId);
    outcome.failure = String(ended.body?.failure?.message ?? ended.text).slice(0, 300);
  }
  record.flows.push(outcome);
  return outcome;
}

async function lifecycle(
  provider: 'kazepay' | 'wasabi',
  world: LifecycleWorld,
  n: number,
  body: (ctx: DemoContext, record: LifecycleRecord) => Promise<void>,
): Promise<LifecycleRecord> {
  const started = Date.now();
  const record: LifecycleRecord = {
    id: `${provider}-${n}`,
    provider,
    customerRef: `chaos-${provider === 'kazepay' ? 'kz' : 'wsb'}-${world.run}-${n}`,
    flows: [],
    depositScriptedToFail: false,
    completed: false,
    ms: 0,
  };
  try {
    await body(context(world), record);
  } catch (error) {
    record.error = error instanceof Error ? error.message : String(error);
  }
  record.ms = Date.now() - started;
  return record;
}

/** KazePay: KYC → activation (code from the mailer, PIN at start) → deposit → closure. */
export function kazepayLifecycle(world: LifecycleWorld, n: number): Promise<LifecycleRecord> {
  return lifecycle('kazepay', world, n, async (ctx, record) => {
    const applicantData = person(world, n, 'kz');
    const quick = { pollInterval: world.pollInterval };
    // The sandbox applies an unanswered request at once: a short settle before reconciling reads.
    const reconcile = { settle: '2s' };
    const [front, selfie] = [
      await world.api.uploadDocument(PNG, 'image/png'),
      await world.api.uploadDocument(JPEG, 'image/jpeg'),
    ];
    const kyc = await step(ctx, record, {
      provider: 'kazepay',
      type: 'kycVerification',
      path: '/flows/kyc',
      body: {
        provider: 'kazepay',
        customerRef: record.customerRef,
        applicant: applicantData,
        documents: { front: { ref: front }, selfie: { ref: selfie } },
        review: quick,
        reconcile,
      },
    });
    if (kyc.outcome !== 'PASSED') return;

    const pan = canaryPan(n, world.run);
    world.canaries.text(`card number ${n}`, pan);
    world.kazepay.control.addPhysicalCard(pan);
    const activation = await step(ctx, record, {
      provider: 'kazepay',
      type: 'physicalCardActivation',
      path: '/flows/activation',
      body: {
        provider: 'kazepay',
        customerRef: record.customerRef,
        requestRef: `card-${world.run}-${n}`,
        email: applicantData.email,
        cardNumber: pan,
        pin: CANARY.pin,
        activation: quick,
        reconcile,
      },
      async whileRunning(workflowId, line) {
        const cardId = await untilCodeAwaited(ctx, workflowId, line);
        if (!cardId) return;
        const code = world.kazepay.control.takeActivationCode(cardId);
        if (!code) throw new Error(`no activation code in the mailer for card ${cardId}`);
        world.canaries.digits(`activation code ${n}`, code);
        const path = `/flows/${encodeURIComponent(workflowId)}/activation-code`;
        const answer = await world.api.call('POST', path, { code });
        if (answer.status !== 200) {
          // A retried submission after an answer lost to a restart is refused as "not awaited".
          const now = await world.api.flow(workflowId);
          if (now.body?.state?.state === 'WAITING_FOR_ACTIVATION_CODE')
            throw new Error(`activation code refused: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
        }
      },
    });
    if (activation.outcome !== 'ACTIVE') return;
    const cardRef = activation.result.cardRef as string;
    record.cardRef = cardRef;

    if (world.random() < 0.15) {
      record.depositScriptedToFail = true;
      world.kazepay.control.scriptRecharge({ outcome: 'failed' });
    }
    const deposit = await step(ctx, record, {
      provider: 'kazepay',
      type: 'cardDeposit',
      path: '/flows/deposit',
      body: {
        provider: 'kazepay',
        cardRef,
        depositRef: `dep-${world.run}-${n}`,
        amount: amount(world, 10, 90, 2),
        currency: 'USD',
        settlement: quick,
        reconcile,
      },
    });
    if (deposit.outcome !== 'SETTLED' && deposit.outcome !== 'FAILED') return;

    const closure = await step(ctx, record, {
      provider: 'kazepay',
      type: 'cardClosure',
      path: '/flows/closure',
      body: { provider: 'kazepay', cardRef, completion: quick, reconcile },
    });
    record.completed = closure.outcome === 'CLOSED';
  });
}

/** WasabiCard: cardholder → virtual card (initial deposit) → deposit → spend → closure. */
export function wasabiLifecycle(world: LifecycleWorld, n: number): Promise<LifecycleRecord> {
  return lifecycle('wasabi', world, n, async (ctx, record) => {
    const quick = { pollInterval: world.pollInterval };
    // The sandbox applies an unanswered request at once: a short settle before reconciling reads.
    const reconcile = { settle: '2s' };
    const front = await world.api.uploadDocument(PNG, 'image/png');
    const kyc = await step(ctx, record, {
      provider: 'wasabi',
      type: 'kycVerification',
      path: '/flows/kyc',
      body: {
        provider: 'wasabi',
        customerRef: record.customerRef,
        cardTypeId: WASABI_CARD_TYPE,
        applicant: person(world, n, 'wsb'),
        documents: { front: { ref: front } },
        review: quick,
        reconcile,
      },
    });
    if (kyc.outcome !== 'PASSED') return;

    const issuance = await step(ctx, record, {
      provider: 'wasabi',
      type: 'virtualCardIssuance',
      path: '/flows/issuance',
      body: {
        provider: 'wasabi',
        customerRef: record.customerRef,
        requestRef: `card-${world.run}-${n}`,
        cardTypeId: WASABI_CARD_TYPE,
        initialDeposit: amount(world, 20, 60, 0),
        holderId: kyc.result.holderId,
        order: quick,
      },
    });
    if (issuance.outcome !== 'ISSUED') return;
    const cardNo = issuance.result.cardRef as string;
    record.cardRef = cardNo;

    if (world.random() < 0.15) {
      record.depositScriptedToFail = true;
      world.wasabi.control.scriptOrder({ match: { type: 'deposit', cardNo }, outcome: 'fail' });
    }
    const deposit = await step(ctx, record, {
      provider: 'wasabi',
      type: 'cardDeposit',
      path: '/flows/deposit',
      body: {
        provider: 'wasabi',
        cardRef: cardNo,
        depositRef: `dep-${world.run}-${n}`,
        amount: amount(world, 10, 40, 0),
        currency: 'USD',
        settlement: quick,
        reconcile,
      },
    });
    if (deposit.outcome !== 'SETTLED' && deposit.outcome !== 'FAILED') return;

    // The cardholder pays at a shop (the sandbox's simulated authorization, outside the engine).
    const spent = amount(world, 1, 9, 2);
    world.wasabi.control.engine.handlers[WASABI_PATHS.simulateAuth]?.({
      cardNo,
      type: 'auth',
      amount: spent,
      currency: 'USD',
    });
    record.spent = spent;

    const closure = await step(ctx, record, {
      provider: 'wasabi',
      type: 'cardClosure',
      path: '/flows/closure',
      body: { provider: 'wasabi', cardRef: cardNo, completion: quick, reconcile },
    });
    record.completed = closure.outcome === 'CLOSED';
  });
}
