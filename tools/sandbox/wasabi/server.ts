// The WasabiCard sandbox as an HTTP server speaking the provider's wire protocol byte for byte:
// X-WSB-API-KEY, SHA256withRSA signatures over the exact bytes (requests verified with the
// merchant key, responses and webhooks signed with the platform key), the `{success, code, msg,
// data}` envelope, faults, and a sandbox-only control surface under /_sandbox/.
import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
// Key loading only (PEM / bare base64 DER): a format helper, no assumption about WasabiCard.
import { loadPrivateKey, loadPublicKey, toBase64Der } from '../../../src/providers/keys';
import { FaultInjector, type FaultKind, type FaultRates } from '../common/faults';
import {
  HANG_UP,
  type SandboxRequest,
  type SandboxResponse,
  startSandboxServer,
} from '../common/http-server';
import { generateRsaKeyPair } from '../common/keystore';
import { Ledger, type LedgerSnapshot } from '../common/ledger';
import { Scheduler } from '../common/scheduler';
import { type WebhookDelivery, WebhookSender } from '../common/webhooks';
import { DEFAULT_CATALOGUE } from './catalogue';
import { WasabiSandboxEngine } from './engine';
import { type HolderScript, type OrderScript, SandboxError } from './model';
import {
  DEFAULT_SWITCHES,
  DEFAULT_TIMINGS,
  WASABI_WEBHOOK_SCHEDULE_MS,
  type WasabiSandboxOptions,
  type WasabiSandboxSwitches,
  type WasabiSandboxTimings,
} from './options';
import { SANDBOX_PATHS } from './paths';
import { jsonCode, parseRequestJson } from './request-json';
import {
  API_KEY_HEADER,
  CATEGORY_HEADER,
  merchantSignatureValid,
  platformSignature,
  REQUEST_ID_HEADER,
  SIGNATURE_HEADER,
  SIGNED_WHEN_EMPTY,
} from './signature';
import { toWireJson } from './wire';

/** The sandbox-only control surface (also served over HTTP under /_sandbox/). */
export interface WasabiSandboxControl {
  readonly engine: WasabiSandboxEngine;
  readonly ledger: Ledger;
  readonly faults: FaultInjector;
  readonly switches: WasabiSandboxSwitches;
  readonly timings: WasabiSandboxTimings;
  /** Where notifications go (undefined: recorded, not sent). */
  webhookUrl: string | undefined;
  /** Notifications produced while no URL was set. */
  readonly unsent: Array<{ category: string; body: string }>;
  setSwitches(switches: Partial<WasabiSandboxSwitches>): void;
  setTimings(timings: Partial<WasabiSandboxTimings>): void;
  setTimeScale(scale: number): void;
  setWebhookFaults(faults: { dropRate?: number; duplicateRate?: number; delayMs?: number }): void;
  scriptOrder(script: OrderScript): void;
  scriptHolder(script: HolderScript): void;
  holdForPolls(merchantOrderNo: string, polls: number): void;
  /** Finishes pending orders / reviews / settlements now. */
  advance(filter?: { merchantOrderNo?: string }): void;
  /** Runs every scheduled transition now (auto mode, without waiting). */
  runDue(): Promise<void>;
  /** Sends every scheduled webhook attempt now. */
  flushWebhooks(): Promise<void>;
  deliveries(filter?: Record<string, string>): WebhookDelivery[];
  trigger3ds(
    cardNo: string,
    type: 'third_3ds_otp' | 'auth_url',
    amount?: string,
  ): { tradeNo: string; plaintext: string };
  /** The cardholder's messages for a card (physical activation codes). */
  inbox(cardNo: string): string[];
  /** The next response on `path` has one body byte altered after signing (a tampered answer). */
  tamperNext(path: string): void;
  fundMerchant(amount: string): void;
  ledgerSnapshot(): LedgerSnapshot;
  state(): ReturnType<WasabiSandboxEngine['snapshot']>;
  /** Every API request seen: path, answered code, fault applied. */
  readonly requests: Array<{ path: string; code: number | null; fault: FaultKind | 'none' }>;
}

export interface WasabiSandbox {
  url: string;
  apiKey: string;
  /** PEM (SPKI), for WASABI_PLATFORM_PUBLIC_KEY. */
  platformPublicKey: string;
  /** Bare base64 DER: the form Wasabi's dashboard hands out. */
  platformPublicKeyDer: string;
  control: WasabiSandboxControl;
  close(): Promise<void>;
}

const envelope = (code: number, msg: string | null, data: unknown) => ({
  success: code === 200,
  code,
  msg,
  data: data === undefined ? null : data,
});

function headerValue(request: SandboxRequest, name: string): string | undefined {
  const v = request.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export async function startWasabiSandbox(options: WasabiSandboxOptions): Promise<WasabiSandbox> {
  const merchantPublicKey = loadPublicKey(options.merchantPublicKey, 'merchant public key');
  let platformPrivateKey: KeyObject;
  if (options.platformPrivateKey)
    platformPrivateKey = loadPrivateKey(options.platformPrivateKey, 'platform private key');
  else platformPrivateKey = generateRsaKeyPair(options.platformKeyBits ?? 2048).privateKey;
  const platformPublicKey = createPublicKey(platformPrivateKey);
  const apiKey = options.apiKey ?? `${randomUUID()}-${randomUUID()}`;
  const switches: WasabiSandboxSwitches = { ...DEFAULT_SWITCHES, ...options.switches };
  const timings: WasabiSandboxTimings = { ...DEFAULT_TIMINGS, ...options.timings };
  const timeScale = options.timeScale ?? 1;
  const onError = options.onError ?? (() => undefined);

  const ledger = new Ledger();
  const scheduler = new Scheduler({ timeScale, onError });
  const faults = new FaultInjector(options.faults ?? {});
  const webhooks = new WebhookSender({
    scheduleMs: WASABI_WEBHOOK_SCHEDULE_MS,
    timeScale: options.webhookTimeScale ?? timeScale,
    isAccepted: (status, body) => {
      if (status !== 200) return false;
      if (switches.webhookAck === 'strict-body')
        return body.toString('utf8').trim() === switches.webhookAckBody;
      try {
        return jsonCode(body.toString('utf8')) === '200';
      } catch {
        return false;
      }
    },
    faults: options.webhookFaults,
    seed: options.seed,
    attemptTimeoutMs: 5000,
    onError,
  });
  const unsent: Array<{ category: string; body: string }> = [];
  let webhookUrl = options.webhookUrl;

  const notify = (category: string, payload: unknown, key: string) => {
    const body = toWireJson(payload, switches.amountsAs);
    if (!webhookUrl) {
      unsent.push({ category, body });
      return;
    }
    const status = String((payload as { status?: unknown }).status ?? '');
    webhooks.send(
      webhookUrl,
      body,
      {
        'Content-Type': 'application/json',
        [CATEGORY_HEADER]: category,
        [SIGNATURE_HEADER]: platformSignature(body, platformPrivateKey),
        // UNCONFIRMED whether Wasabi reuses the request id on retries; the sandbox does.
        [REQUEST_ID_HEADER]: randomUUID().replace(/-/g, ''),
      },
      { category, key, status },
    );
  };

  const engine = new WasabiSandboxEngine({
    ledger,
    scheduler,
    switches,
    timings,
    catalogue: options.catalogue ?? DEFAULT_CATALOGUE,
    merchantPublicKey,
    autoAdvance: options.autoAdvance ?? true,
    merchantBalance: options.merchantBalance ?? '100000',
    seed: options.seed ?? 42,
    notify,
  });

  const tampered = new Set<string>();
  const requests: WasabiSandboxControl['requests'] = [];

  const control: WasabiSandboxControl = {
    engine,
    ledger,
    faults,
    switches,
    timings,
    get webhookUrl() {
      return webhookUrl;
    },
    set webhookUrl(url: string | undefined) {
      webhookUrl = url;
    },
    unsent,
    setSwitches: (s) => Object.assign(switches, s),
    setTimings: (t) => Object.assign(timings, t),
    setTimeScale: (scale) => {
      scheduler.timeScale = scale;
      webhooks.timeScale = scale;
    },
    setWebhookFaults: (f) => {
      webhooks.faults = f;
    },
    scriptOrder: (s) => engine.scriptOrder(s),
    scriptHolder: (s) => engine.scriptHolder(s),
    holdForPolls: (m, n) => engine.holdForPolls(m, n),
    advance: (filter) => engine.advance(filter),
    runDue: () => scheduler.runAllNow(),
    flushWebhooks: () => webhooks.flush(),
    deliveries: (filter) => webhooks.deliveries(filter),
    trigger3ds: (cardNo, type, amount) => engine.trigger3ds(cardNo, type, amount),
    inbox: (cardNo) => [...(engine.inbox.get(cardNo) ?? [])],
    tamperNext: (path) => tampered.add(path),
    fundMerchant: (amount) => {
      ledger.fund(engine.wallet, amount, { kind: 'chain_deposit', ref: `fund-${Date.now()}` });
    },
    ledgerSnapshot: () => ledger.snapshot(),
    state: () => engine.snapshot(),
    requests,
  };

  const respond = (
    path: string,
    status: number,
    body: unknown,
    fault: FaultKind | 'none',
  ): SandboxResponse => {
    const text = toWireJson(body, switches.amountsAs);
    const bytes = Buffer.from(text, 'utf8');
    const headers: Record<string, string> = { 'Content-Type': 'application/json;charset=UTF-8' };
    if (switches.responseSignature === 'always') {
      let signature = platformSignature(bytes, platformPrivateKey);
      if (fault === 'broken-signature') {
        const raw = Buffer.from(signature, 'base64');
        raw[raw.length - 1] = raw[raw.length - 1]! ^ 0xff;
        signature = raw.toString('base64');
      }
      headers[SIGNATURE_HEADER] = signature;
    }
    if (tampered.delete(path)) {
      // One byte changed after signing, the JSON still valid: "Success" becomes "success".
      const altered = Buffer.from(bytes);
      const at = altered.indexOf('"Success"');
      if (at >= 0) altered[at + 1] = 's'.charCodeAt(0);
      else altered[altered.length - 1] = ' '.charCodeAt(0);
      return { status, headers, body: altered };
    }
    return { status, headers, body: bytes };
  };

  const handleApi = async (request: SandboxRequest): Promise<SandboxResponse | typeof HANG_UP> => {
    const path = request.path;
    const log = { path, code: null as number | null, fault: 'none' as FaultKind | 'none' };
    requests.push(log);
    const answer = (status: number, code: number, msg: string | null, data?: unknown) => {
      log.code = code;
      return respond(path, status, envelope(code, msg, data), log.fault);
    };
    if (request.method !== 'POST') return answer(405, 405, 'Method not allowed');

    // Authentication: api key, then the merchant's signature over the exact bytes sent
    // (`{}` for multipart uploads).
    if (headerValue(request, API_KEY_HEADER) !== apiKey)
      return answer(switches.businessErrorHttpStatus, 401, 'Invalid api key');
    const contentType = headerValue(request, 'content-type') ?? '';
    const multipart = contentType.toLowerCase().startsWith('multipart/form-data');
    const signed = multipart ? Buffer.from(SIGNED_WHEN_EMPTY) : request.rawBody;
    if (!merchantSignatureValid(signed, headerValue(request, SIGNATURE_HEADER), merchantPublicKey))
      return answer(switches.businessErrorHttpStatus, 401, 'Signature verification failed');

    const handler = engine.handlers[path];
    if (!handler && path !== SANDBOX_PATHS.fileUpload) return answer(404, 404, 'Not found');

    const decision = faults.decide(path);
    log.fault = decision.kind;
    if (decision.kind === 'server-error') return answer(500, 500, 'Internal server error');
    if (decision.kind === 'slow') await new Promise((r) => setTimeout(r, decision.delayMs));
    if (decision.kind === 'late-apply' && handler && !multipart) {
      // The request "is still being processed" when the client gives up; it lands afterwards.
      setTimeout(() => {
        try {
          handler(parseRequestJson(request.rawBody.toString('utf8')) as Record<string, unknown>);
        } catch (error) {
          if (!(error instanceof SandboxError)) onError(error);
        }
      }, decision.delayMs).unref();
      return HANG_UP;
    }

    let result: SandboxResponse;
    try {
      let data: unknown;
      if (multipart) data = upload(request.rawBody, contentType);
      else {
        let params: unknown;
        try {
          params = parseRequestJson(request.rawBody.toString('utf8'));
        } catch {
          throw new SandboxError(400, 'Request body is not JSON');
        }
        if (!params || typeof params !== 'object' || Array.isArray(params))
          throw new SandboxError(400, 'Request body must be a JSON object');
        data = handler!(params as Record<string, unknown>);
      }
      result = answer(200, 200, 'Success', data);
    } catch (error) {
      if (error instanceof SandboxError)
        result = answer(switches.businessErrorHttpStatus, error.code, error.msg);
      else {
        // A sandbox bug still answers in the provider's shape (signed), never a crash.
        onError(error);
        result = answer(500, 500, 'Internal server error');
      }
    }
    if (decision.kind === 'applied-no-answer') return HANG_UP;
    return result;
  };

  const upload = (raw: Buffer, contentType: string): unknown => {
    const parts = parseMultipart(raw, contentType);
    const file = parts.find((p) => p.name === 'file' && p.filename !== undefined);
    if (!file) throw new SandboxError(400, 'Parameter error: file required');
    if (switches.uploadRequiresCategory && !parts.some((p) => p.name === 'category'))
      throw new SandboxError(400, 'Parameter error: category required');
    if (!/\.(jpe?g|png|pdf)$/i.test(file.filename ?? ''))
      throw new SandboxError(400, 'Unsupported file type');
    if (file.data.length === 0 || file.data.length > 2 * 1024 * 1024)
      throw new SandboxError(400, 'File size must be 1 byte..2 MB');
    return { fileId: engine.storeFile(file.filename ?? 'file', file.data.length) };
  };

  const server = await startSandboxServer({
    host: options.host,
    port: options.port,
    hangMs: options.hangMs,
    onError,
    handle: async (request) => {
      if (request.path.startsWith('/_sandbox/') || request.path === '/_sandbox')
        return controlHttp(control, request);
      return handleApi(request);
    },
  });

  return {
    url: server.url,
    apiKey,
    platformPublicKey: platformPublicKey.export({ format: 'pem', type: 'spki' }).toString(),
    platformPublicKeyDer: toBase64Der(platformPublicKey),
    control,
    close: async () => {
      await server.close();
      await scheduler.close();
      await webhooks.close();
    },
  };
}

interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

function parseMultipart(raw: Buffer, contentType: string): MultipartPart[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new SandboxError(400, 'multipart boundary missing');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let start = raw.indexOf(delimiter);
  while (start !== -1) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after delimiter and before next
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const head = part.subarray(0, split).toString('utf8');
      const name = /name="([^"]*)"/i.exec(head)?.[1];
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      if (name) parts.push({ name, filename, data: part.subarray(split + 4) });
    }
    start = next;
  }
  return parts;
}

// --- the control surface over HTTP (sandbox only; no provider equivalent) ------------------------

async function controlHttp(control: WasabiSandboxControl, request: SandboxRequest): Promise<SandboxResponse> {
  const ok = (body: unknown, status = 200): SandboxResponse => ({
    status,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body, null, 2),
  });
  let input: Record<string, unknown> = {};
  if (request.rawBody.length > 0) {
    try {
      input = JSON.parse(request.rawBody.toString('utf8')) as Record<string, unknown>;
    } catch {
      return ok({ error: 'body must be JSON' }, 400);
    }
  }
  const route = `${request.method} ${request.path}`;
  try {
    switch (route) {
      case 'GET /_sandbox/state':
        return ok(control.state());
      case 'GET /_sandbox/ledger':
        return ok(control.ledgerSnapshot());
      case 'GET /_sandbox/webhooks':
        return ok({ deliveries: control.deliveries(), unsent: control.unsent });
      case 'GET /_sandbox/requests':
        return ok(control.requests);
      case 'GET /_sandbox/config':
        return ok({
          switches: control.switches,
          timings: control.timings,
          webhookUrl: control.webhookUrl ?? null,
        });
      case 'POST /_sandbox/switches':
        control.setSwitches(input as Partial<WasabiSandboxSwitches>);
        return ok(control.switches);
      case 'POST /_sandbox/timings': {
        const { timeScale, ...rest } = input as Partial<WasabiSandboxTimings> & { timeScale?: number };
        control.setTimings(rest);
        if (typeof timeScale === 'number') control.setTimeScale(timeScale);
        return ok(control.timings);
      }
      case 'POST /_sandbox/webhook-url':
        control.webhookUrl = typeof input.url === 'string' && input.url ? input.url : undefined;
        return ok({ webhookUrl: control.webhookUrl ?? null });
      case 'POST /_sandbox/webhook-faults':
        control.setWebhookFaults(input);
        return ok({ ok: true });
      case 'POST /_sandbox/faults': {
        if (input.clear) control.faults.clear();
        if (input.rates)
          control.faults.setRates(input.rates as FaultRates, input.operation as string | undefined);
        if (Array.isArray(input.script))
          control.faults.script(String(input.operation ?? '*'), ...(input.script as FaultKind[]));
        return ok({ history: control.faults.history });
      }
      case 'POST /_sandbox/script/order':
        control.scriptOrder(input as unknown as OrderScript);
        return ok({ ok: true });
      case 'POST /_sandbox/script/holder':
        control.scriptHolder(input as unknown as HolderScript);
        return ok({ ok: true });
      case 'POST /_sandbox/hold':
        control.holdForPolls(String(input.merchantOrderNo), Number(input.polls ?? 1));
        return ok({ ok: true });
      case 'POST /_sandbox/advance':
        control.advance(input as { merchantOrderNo?: string });
        return ok({ ok: true });
      case 'POST /_sandbox/run-due':
        await control.runDue();
        return ok({ ok: true });
      case 'POST /_sandbox/flush-webhooks':
        await control.flushWebhooks();
        return ok({ ok: true });
      case 'POST /_sandbox/3ds':
        return ok(
          control.trigger3ds(
            String(input.cardNo),
            input.type === 'auth_url' ? 'auth_url' : 'third_3ds_otp',
            input.amount ? String(input.amount) : undefined,
          ),
        );
      case 'POST /_sandbox/inbox':
        return ok({ messages: control.inbox(String(input.cardNo)) });
      case 'POST /_sandbox/fund':
        control.fundMerchant(String(input.amount));
        return ok({ ok: true });
      case 'POST /_sandbox/tamper-next':
        control.tamperNext(String(input.path));
        return ok({ ok: true });
      default:
        return ok({ error: `unknown control route ${route}` }, 404);
    }
  } catch (error) {
    return ok({ error: error instanceof Error ? error.message : String(error) }, 400);
  }
}
