// The KazePay sandbox's control surface, for tests and the dev stack only: the in-process
// `control` object (advance time, script outcomes, read the inbox, the ledger and the requests)
// and the same over HTTP under /_sandbox/... . Nothing here is part of KazePay's API.
import type { KeyObject } from 'node:crypto';
import type { FaultInjector } from '../common/faults';
import type { SandboxRequest, SandboxResponse } from '../common/http-server';
import type { Scheduler } from '../common/scheduler';
import type { WebhookSender } from '../common/webhooks';
import { jsonResponse } from './json-response';
import { cardAccount, MERCHANT_ACCOUNT, type RechargeScript } from './model';
import type { KazepayState } from './state';

export interface SandboxRequestRecord {
  at: string;
  apiCode: string;
  requestNo: string;
  /** SUCCESS, the error code answered, or the fault applied. */
  outcome: string;
}

export type KazepaySandboxControl = ReturnType<typeof createControl>;

export function createControl(parts: {
  state: KazepayState;
  scheduler: Scheduler;
  webhooks: WebhookSender;
  faults: FaultInjector;
  requests: SandboxRequestRecord[];
  schedule: number[];
}) {
  const { state, scheduler, webhooks, faults, requests, schedule } = parts;
  return {
    state,
    ledger: state.ledger,
    faults,
    webhooks,
    /** Mutable: changes apply to transitions scheduled afterwards. */
    timings: state.timings,
    /** Mutable: the names later transitions answer under (a profile the engine may not know). */
    statusNames: state.statusNames,
    setTimeScale(scale: number) {
      scheduler.timeScale = scale;
      webhooks.timeScale = scale;
    },
    /** Extra webhook faults (drop, duplicate, late); the schedule's first delay is kept. */
    setWebhookFaults(f: { dropRate?: number; duplicateRate?: number; delayMs?: number }) {
      webhooks.faults = { ...f, delayMs: (schedule[0] ?? 0) + (f.delayMs ?? 0) };
    },
    /** Runs every pending transition now (KYC reviews, activations, settlements, closes). */
    advance: () => scheduler.runAllNow(),
    pendingTransitions: () => scheduler.pending(),
    /** Sends every scheduled webhook and retry now. */
    flushWebhooks: () => webhooks.flush(),
    /** The cardholder inbox, without the codes (those are fetched once with takeActivationCode). */
    inbox(email?: string) {
      return state.inbox
        .filter((m) => email === undefined || m.email === email.toLowerCase())
        .map(({ activationCode: _code, ...message }) => message);
    },
    /** The activation code of a card, as the cardholder reads it: once. Later calls get undefined. */
    takeActivationCode(cardID: string): string | undefined {
      const message = state.inbox.find((m) => m.cardID === cardID && !m.taken);
      if (!message) return undefined;
      message.taken = true;
      return message.activationCode;
    },
    physicalCardStock: () => [...state.stock],
    addPhysicalCard(cardNumber?: string): string {
      const number = cardNumber ?? makeStockNumber(state);
      state.stock.add(number);
      return number;
    },
    fundMerchant: (amount: string) =>
      state.ledger.fund(MERCHANT_ACCOUNT, amount, { kind: 'merchant_funding', ref: `control:${Date.now()}` }),
    merchantBalance: () => state.ledger.balance(MERCHANT_ACCOUNT),
    cardBalance: (cardID: string) => state.ledger.balance(cardAccount(cardID)),
    /** The next KYC review of this email ends so. */
    scriptKyc(email: string, outcome: 'PASSED' | 'REJECTED') {
      state.kycScript.set(email.toLowerCase(), outcome);
    },
    /** Queues outcomes for the next recharges, in order. */
    scriptRecharge(...scripts: RechargeScript[]) {
      state.rechargeScript.push(...scripts);
    },
    scriptActivation(cardID: string, outcome: 'ACTIVE' | 'FAILED') {
      state.activationScript.set(cardID, outcome);
    },
    card: (cardID: string) => state.cards.get(cardID),
    cardholder: (email: string) => state.cardholders.get(email.toLowerCase()),
    pinMatches: (cardID: string, pin: string) => state.pinMatches(cardID, pin),
    requests: () => [...requests],
  };
}

function makeStockNumber(state: KazepayState): string {
  for (;;) {
    const candidate = `493724${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
    for (let check = 0; check < 10; check++) {
      const number = candidate + check;
      if (isLuhn(number) && !state.stock.has(number)) return number;
    }
  }
}

function isLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

export async function controlHttp(
  control: KazepaySandboxControl,
  request: SandboxRequest,
  platformPublicKey: KeyObject,
): Promise<SandboxResponse> {
  const route = `${request.method} ${request.path.replace(/\/+$/, '')}`;
  let body: Record<string, unknown> = {};
  if (request.rawBody.length > 0) {
    try {
      body = JSON.parse(request.rawBody.toString('utf8')) as Record<string, unknown>;
    } catch {
      return jsonResponse(400, { error: 'control requests take a JSON body' });
    }
  }
  const str = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  try {
    switch (route) {
      case 'GET /_sandbox':
      case 'GET /_sandbox/state':
        return jsonResponse(200, {
          merchantBalance: control.merchantBalance(),
          cards: [...control.state.cards.values()].map((c) => ({ cardID: c.cardID, status: c.status })),
          cardholders: [...control.state.cardholders.values()].map((h) => ({ kycStatus: h.kycStatus })),
          physicalCardStock: control.physicalCardStock().length,
          pendingTransitions: control.pendingTransitions(),
          webhookUrl: control.state.webhookUrl ?? null,
          requests: control.requests().slice(-100),
        });
      case 'GET /_sandbox/platform-public-key':
        return {
          status: 200,
          headers: { 'content-type': 'application/x-pem-file' },
          body: platformPublicKey.export({ format: 'pem', type: 'spki' }).toString(),
        };
      case 'GET /_sandbox/inbox':
        return jsonResponse(200, control.inbox(request.query.get('email') ?? undefined));
      case 'POST /_sandbox/inbox/take': {
        const cardID = str('cardID');
        if (!cardID) return jsonResponse(400, { error: 'cardID required' });
        const code = control.takeActivationCode(cardID);
        return code
          ? jsonResponse(200, { cardID, activationCode: code })
          : jsonResponse(404, { error: 'no unread activation code for this card' });
      }
      case 'GET /_sandbox/ledger':
        return jsonResponse(200, control.ledger.snapshot());
      case 'POST /_sandbox/merchant/fund':
        return jsonResponse(200, control.fundMerchant(String(body.amount)));
      case 'GET /_sandbox/cards/stock':
        return jsonResponse(200, control.physicalCardStock());
      case 'POST /_sandbox/cards/stock':
        return jsonResponse(200, { cardNumber: control.addPhysicalCard(str('cardNumber')) });
      case 'POST /_sandbox/script/kyc':
        control.scriptKyc(String(body.email), body.outcome === 'REJECTED' ? 'REJECTED' : 'PASSED');
        return jsonResponse(200, { ok: true });
      case 'POST /_sandbox/script/recharge':
        control.scriptRecharge(body as RechargeScript);
        return jsonResponse(200, { ok: true });
      case 'POST /_sandbox/script/activation':
        control.scriptActivation(String(body.cardID), body.outcome === 'FAILED' ? 'FAILED' : 'ACTIVE');
        return jsonResponse(200, { ok: true });
      case 'POST /_sandbox/faults':
        control.faults.setRates(
          (body.rates ?? {}) as Parameters<FaultInjector['setRates']>[0],
          str('operation'),
        );
        return jsonResponse(200, { ok: true });
      case 'POST /_sandbox/faults/script':
        control.faults.script(
          String(body.operation ?? '*'),
          ...((body.kinds ?? []) as Parameters<FaultInjector['script']>[1][]),
        );
        return jsonResponse(200, { ok: true });
      case 'DELETE /_sandbox/faults':
        control.faults.clear();
        return jsonResponse(200, { ok: true });
      case 'POST /_sandbox/webhooks/faults':
        control.setWebhookFaults(body);
        return jsonResponse(200, { ok: true });
      case 'GET /_sandbox/webhooks':
        return jsonResponse(
          200,
          control.webhooks.deliveries().map(({ body: _body, headers: _headers, ...d }) => d),
        );
      case 'POST /_sandbox/advance':
        await control.advance();
        return jsonResponse(200, { ok: true });
      case 'POST /_sandbox/time-scale':
        control.setTimeScale(Number(body.timeScale));
        return jsonResponse(200, { ok: true });
      default:
        return jsonResponse(404, { error: `no sandbox control route ${route}` });
    }
  } catch (error) {
    return jsonResponse(400, { error: error instanceof Error ? error.message : String(error) });
  }
}
