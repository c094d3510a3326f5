// The demo's stories, each driven through the engine's public HTTP API: a KazePay physical card
// from KYC to closure, a WasabiCard virtual card from cardholder to closure, and the unhappy
// paths (a rejected KYC, a failed deposit). The sandboxes' control routes play the cardholder
// (reading the activation code from the mailer) and set up the outcomes a demo needs.
import { randomBytes } from 'node:crypto';
import { Decimal } from '../../src/contract/money';
import { applicant } from './applicant';
import { formatMoney } from './money';
import type { EngineApi, SandboxControl } from './http';

export interface FlowReport {
  label: string;
  workflowId: string;
  type: string;
  provider: 'kazepay' | 'wasabi';
  /** What the flow ended with: its result's outcome, or its failure type. */
  outcome: string;
  expected: string;
  ms: number;
  /** Money the flow moved, e.g. "deposit 40.00 USD" or "refund 10.00 USD". */
  amounts?: string;
  /** Set when the flow runs outside cardflow's namespace (the Nexus caller's `onboarding`). */
  namespace?: string;
}

/** A flow being watched: the live line shows `state` until the flow ends. */
export interface FlowLine {
  label: string;
  provider: 'kazepay' | 'wasabi';
  state: string;
  done: boolean;
}

export interface DemoContext {
  api: EngineApi;
  kazepay: SandboxControl;
  wasabi: SandboxControl;
  /** Simulates card spend at a shop (WasabiCard's own simulateAuthTransaction). */
  spend(cardNo: string, amount: string, currency: string): Promise<void>;
  /** A new line for the live display. */
  track(label: string, provider: 'kazepay' | 'wasabi'): FlowLine;
  /** A unique suffix for this run's business references. */
  run: string;
  /** Longest wait for any one flow. */
  flowTimeoutMs: number;
  /** How often a followed flow is read (default 250 ms). */
  followEveryMs?: number;
}

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(64)]);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), randomBytes(64)]);
/** Waits the demo gives every flow: quick polls, so the demo also finishes without webhooks. */
const QUICK = { pollInterval: '1s' };
const WASABI_CARD_TYPE = '111065';

export type FlowBody = {
  status: string;
  state?: { state?: string; detail?: string };
  result?: Record<string, unknown>;
  failure?: { type?: string; message?: string };
  cardRef?: string;
};

/**
 * Follows an activation until it waits for the cardholder's code: the card id it was assigned,
 * or undefined when the flow ended first.
 */
export async function untilCodeAwaited(
  ctx: DemoContext,
  workflowId: string,
  line: FlowLine,
): Promise<string | undefined> {
  const waiting = await follow(
    ctx,
    workflowId,
    line,
    (f) => f.status !== 'RUNNING' || (f.state?.state === 'WAITING_FOR_ACTIVATION_CODE' && !!f.cardRef),
  );
  return waiting.status === 'RUNNING' ? (waiting.cardRef as string) : undefined;
}

/** Polls GET /flows/:id, updating the live line, until the flow ends (or `until` holds). */
export async function follow(
  ctx: DemoContext,
  workflowId: string,
  line: FlowLine,
  until: (body: FlowBody) => boolean = (body) => body.status !== 'RUNNING',
): Promise<FlowBody> {
  const deadline = Date.now() + ctx.flowTimeoutMs;
  let detail: string | undefined;
  for (;;) {
    const { status, body } = await ctx.api.flow(workflowId);
    if (status === 200) {
      const flow = body as FlowBody;
      line.state = flow.status === 'RUNNING' ? (flow.state?.state ?? 'RUNNING') : ended(flow);
      detail = flow.state?.detail;
      if (until(flow)) return flow;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${line.label}: still ${line.state} after ${ctx.flowTimeoutMs} ms${detail ? ` (${detail})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, ctx.followEveryMs ?? 250));
  }
}

export function ended(flow: FlowBody): string {
  if (flow.result && typeof flow.result.outcome === 'string') return flow.result.outcome;
  return flow.failure?.type ?? flow.status;
}

/** Starts a flow, follows it to its end and reports it. */
export async function runFlow(
  ctx: DemoContext,
  spec: {
    label: string;
    provider: 'kazepay' | 'wasabi';
    type: string;
    path: string;
    body: unknown;
    expected: string;
    amounts?: (result: Record<string, unknown>) => string | undefined;
    /** Runs while the flow is RUNNING (e.g. send the activation code). */
    whileRunning?: (workflowId: string, line: FlowLine) => Promise<void>;
  },
): Promise<{ report: FlowReport; result: Record<string, unknown> }> {
  const line = ctx.track(spec.label, spec.provider);
  const started = Date.now();
  const start = await ctx.api.expect('POST', spec.path, spec.body);
  const workflowId = start.body.workflowId as string;
  line.state = 'STARTED';
  if (spec.whileRunning) await spec.whileRunning(workflowId, line);
  const flow = await follow(ctx, workflowId, line);
  line.done = true;
  const result = flow.result ?? {};
  const amounts = spec.amounts?.(result);
  return {
    result,
    report: {
      label: spec.label,
      workflowId,
      type: spec.type,
      provider: spec.provider,
      outcome: ended(flow),
      expected: spec.expected,
      ms: Date.now() - started,
      ...(amounts ? { amounts } : {}),
    },
  };
}

const money = (label: string, amount: unknown, currency: unknown) =>
  amount === undefined ? undefined : `${label} ${formatMoney(amount, currency)}`;

/** KazePay: KYC → card assigned → code from the mailer → ACTIVE + PIN → deposit → failed deposit → close. */
export async function kazepayPhysicalCard(ctx: DemoContext): Promise<FlowReport[]> {
  const reports: FlowReport[] = [];
  const customerRef = `demo-kz-${ctx.run}`;
  const person = applicant(ctx.run, 'kazepay');
  const front = await ctx.api.uploadDocument(PNG, 'image/png');
  const selfie = await ctx.api.uploadDocument(JPEG, 'image/jpeg');
  const kyc = await runFlow(ctx, {
    label: 'KazePay KYC',
    provider: 'kazepay',
    type: 'kycVerification',
    path: '/flows/kyc',
    body: {
      provider: 'kazepay',
      customerRef,
      applicant: person,
      documents: { front: { ref: front }, selfie: { ref: selfie } },
      review: QUICK,
    },
    expected: 'PASSED',
  });
  reports.push(kyc.report);
  if (kyc.report.outcome !== 'PASSED') return reports;

  // The physical card in the customer's hands (the sandbox's stock of unassigned cards).
  const { cardNumber } = (await ctx.kazepay.post('cards/stock')).body as { cardNumber: string };
  const pin = String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000));
  let cardId = '';
  const activation = await runFlow(ctx, {
    label: 'KazePay activation',
    provider: 'kazepay',
    type: 'physicalCardActivation',
    path: '/flows/activation',
    body: {
      provider: 'kazepay',
      customerRef,
      requestRef: `card-${ctx.run}`,
      email: person.email,
      cardNumber,
      activation: QUICK,
    },
    expected: 'ACTIVE',
    async whileRunning(workflowId, line) {
      const awaited = await untilCodeAwaited(ctx, workflowId, line);
      if (!awaited) return;
      cardId = awaited;
      // The cardholder reads the code from the card mailer and types it, with a PIN, into the app.
      const { activationCode } = (await ctx.kazepay.post('inbox/take', { cardID: cardId })).body as {
        activationCode: string;
      };
      await ctx.api.expect('POST', `/flows/${encodeURIComponent(workflowId)}/activation-code`, {
        code: activationCode,
        pin,
      });
    },
    amounts: (r) => (r.pinSet ? 'PIN set' : undefined),
  });
  reports.push(activation.report);
  if (activation.report.outcome !== 'ACTIVE') return reports;
  cardId = (activation.result.cardRef as string | undefined) ?? cardId;

  const deposit = await runFlow(ctx, {
    label: 'KazePay deposit',
    provider: 'kazepay',
    type: 'cardDeposit',
    path: '/flows/deposit',
    body: {
      provider: 'kazepay',
      cardRef: cardId,
      depositRef: `dep-${ctx.run}`,
      amount: '40.00',
      currency: 'USD',
      settlement: QUICK,
    },
    expected: 'SETTLED',
    amounts: (r) => money('deposit', r.amount, r.currency),
  });
  reports.push(deposit.report);

  // The unhappy deposit: KazePay fails the next recharge; the money returns to the merchant.
  await ctx.kazepay.post('script/recharge', { outcome: 'failed' });
  const failed = await runFlow(ctx, {
    label: 'KazePay failed deposit',
    provider: 'kazepay',
    type: 'cardDeposit',
    path: '/flows/deposit',
    body: {
      provider: 'kazepay',
      cardRef: cardId,
      depositRef: `dep-fail-${ctx.run}`,
      amount: '15.00',
      currency: 'USD',
      settlement: QUICK,
    },
    expected: 'FAILED',
    amounts: (r) => money('not deposited', r.amount, r.currency),
  });
  reports.push(failed.report);

  const closure = await runFlow(ctx, {
    label: 'KazePay closure',
    provider: 'kazepay',
    type: 'cardClosure',
    path: '/flows/closure',
    body: { provider: 'kazepay', cardRef: cardId, completion: QUICK },
    expected: 'CLOSED',
    amounts: (r) => money('refund', r.refundAmount, r.currency),
  });
  reports.push(closure.report);
  return reports;
}

/** WasabiCard: cardholder approved → virtual card → deposit → spend → close with the rest refunded. */
export async function wasabiVirtualCard(ctx: DemoContext): Promise<FlowReport[]> {
  const reports: FlowReport[] = [];
  const customerRef = `demo-wsb-${ctx.run}`;
  const front = await ctx.api.uploadDocument(PNG, 'image/png');
  const kyc = await runFlow(ctx, {
    label: 'Wasabi cardholder',
    provider: 'wasabi',
    type: 'kycVerification',
    path: '/flows/kyc',
    body: {
      provider: 'wasabi',
      customerRef,
      cardTypeId: WASABI_CARD_TYPE,
      applicant: applicant(ctx.run, 'wasabi'),
      documents: { front: { ref: front } },
      review: QUICK,
    },
    expected: 'PASSED',
  });
  reports.push(kyc.report);
  if (kyc.report.outcome !== 'PASSED') return reports;

  const issuance = await runFlow(ctx, {
    label: 'Wasabi virtual card',
    provider: 'wasabi',
    type: 'virtualCardIssuance',
    path: '/flows/issuance',
    body: {
      provider: 'wasabi',
      customerRef,
      requestRef: `card-${ctx.run}`,
      cardTypeId: WASABI_CARD_TYPE,
      initialDeposit: '50',
      holderId: kyc.result.holderId,
      order: QUICK,
    },
    expected: 'ISSUED',
    amounts: (r) => money('opened with', r.amount, r.currency),
  });
  reports.push(issuance.report);
  if (issuance.report.outcome !== 'ISSUED') return reports;
  const cardNo = issuance.result.cardRef as string;

  const deposit = await runFlow(ctx, {
    label: 'Wasabi deposit',
    provider: 'wasabi',
    type: 'cardDeposit',
    path: '/flows/deposit',
    body: {
      provider: 'wasabi',
      cardRef: cardNo,
      depositRef: `dep-${ctx.run}`,
      amount: '30',
      currency: 'USD',
      settlement: QUICK,
    },
    expected: 'SETTLED',
    amounts: (r) => money('deposit', r.amount, r.currency),
  });
  reports.push(deposit.report);

  // The cardholder pays at a shop; what is left on the card is refunded when it closes.
  await ctx.spend(cardNo, '12.50', 'USD');
  const before = await ctx.api.expect('GET', `/support/wasabi/cards/${cardNo}/balance`, undefined, [200]);
  const closure = await runFlow(ctx, {
    label: 'Wasabi closure',
    provider: 'wasabi',
    type: 'cardClosure',
    path: '/flows/closure',
    body: { provider: 'wasabi', cardRef: cardNo, completion: QUICK },
    expected: 'CLOSED',
    amounts: (r) =>
      `${money('refund', r.refundAmount, r.currency)}${r.fee ? ` (fee ${formatMoney(r.fee)})` : ''} of ${formatMoney(
        (before.body as { amount?: unknown } | undefined)?.amount,
      )} left`,
  });
  const balance = (before.body as { amount?: unknown } | undefined)?.amount;
  if (
    closure.report.outcome === 'CLOSED' &&
    balance !== undefined &&
    !new Decimal(String(balance)).eq(
      new Decimal(String(closure.result.refundAmount ?? 'NaN')).plus(String(closure.result.fee ?? '0')),
    )
  ) {
    closure.report.outcome = `CLOSED, but refunded ${formatMoney(closure.result.refundAmount)} of ${formatMoney(balance)}`;
  }
  reports.push(closure.report);
  return reports;
}

/** A KYC the provider rejects. */
export async function rejectedKyc(ctx: DemoContext): Promise<FlowReport[]> {
  const person = applicant(ctx.run, 'rejected');
  await ctx.kazepay.post('script/kyc', { email: person.email, outcome: 'REJECTED' });
  const front = await ctx.api.uploadDocument(PNG, 'image/png');
  const selfie = await ctx.api.uploadDocument(JPEG, 'image/jpeg');
  const kyc = await runFlow(ctx, {
    label: 'KazePay rejected KYC',
    provider: 'kazepay',
    type: 'kycVerification',
    path: '/flows/kyc',
    body: {
      provider: 'kazepay',
      customerRef: `demo-rej-${ctx.run}`,
      applicant: person,
      documents: { front: { ref: front }, selfie: { ref: selfie } },
      review: QUICK,
    },
    expected: 'REJECTED',
  });
  return [kyc.report];
}
