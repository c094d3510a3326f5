// The KazePay sandbox: a real HTTP server that speaks KazePay's envelope with its own platform
// key pair, checks every request as KazePay would (sysId, decryption, signature, a fresh
// requestNo, the documented fields), runs the state machines of state.ts, injects faults,
// delivers webhooks on KazePay's retry schedule, and offers a sandbox-only control surface:
// HTTP under /_sandbox/... and the in-process `control` object (control.ts).
import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'lossless-json';
import type { z } from 'zod';
// Shared on purpose: PEM / base64-DER key loading is a pure utility with no KazePay protocol
// knowledge (which key signs or encrypts what is decided in ./envelope.ts).
import { loadPrivateKey, loadPublicKey, toBase64Der } from '../../../src/providers/keys';
import { FaultInjector } from '../common/faults';
import {
  HANG_UP,
  type SandboxRequest,
  type SandboxResponse,
  startSandboxServer,
} from '../common/http-server';
import { loadOrCreateRsaKeyPair } from '../common/keystore';
import {
  type GatewayMessage,
  GatewayEnvelopeError,
  gatewayWireBytes,
  openMerchantRequest,
  readGatewayMessage,
  type SandboxCryptoProfile,
  sandboxCryptoProfile,
  sealPlatformMessage,
} from './envelope';
import { Scheduler } from '../common/scheduler';
import { WebhookSender } from '../common/webhooks';
import {
  DEFAULT_PRECONDITIONS,
  DEFAULT_STATUS_NAMES,
  DEFAULT_SYS_ID,
  DEFAULT_TIMINGS,
  DEFAULT_TRANSACTION_TYPES,
  DEFAULT_WEBHOOK_SCHEDULE_MS,
  type KazepaySandboxOptions,
  SANDBOX_ERROR_CODES as E,
} from './options';
import { sandboxRequestNos } from './request-no';
import { hostedKycPage } from './hosted-kyc-page';
import {
  imageTypeOf,
  MULTIPART_OPERATIONS,
  parseBusinessJson,
  SANDBOX_REQUESTS,
  sandboxOperationFor,
} from './schemas';
import { HOSTED_KYC_PATH, SandboxBusinessError } from './model';
import { KazepayState } from './state';
import { controlHttp, createControl, type KazepaySandboxControl, type SandboxRequestRecord } from './control';
import { HANDLERS } from './handlers';
import { jsonResponse } from './json-response';

export interface KazepaySandbox {
  url: string;
  port: number;
  sysId: string;
  /** PEM (SPKI): configure the client's KAZEPAY_PLATFORM_PUBLIC_KEY with it. */
  platformPublicKey: string;
  /** The same key as bare base64 DER. */
  platformPublicKeyBase64: string;
  control: KazepaySandboxControl;
  close(): Promise<void>;
}

/**
 * What the sandbox accepts as a requestNo: digits only. The seed documents no rule; its own
 * examples have 18 to 24 digits, and two of its requests (`202406286784453105011`, 21 digits)
 * do not even hold a valid time (hour 67), so neither a length of 22 to 24 nor a timestamp is
 * required. 16 to 32 digits leaves room on both sides.
 */
export const SANDBOX_REQUEST_NO_PATTERN = /^\d{16,32}$/;

function schemaProblems(error: z.ZodError): string {
  return error.issues
    .map((i) =>
      i.code === 'unrecognized_keys'
        ? `${i.keys.join(', ')}: unknown field`
        : `${i.path.join('.') || '(body)'}: ${i.message}`,
    )
    .join('; ');
}

export async function startKazepaySandbox(options: KazepaySandboxOptions): Promise<KazepaySandbox> {
  const profile: SandboxCryptoProfile = sandboxCryptoProfile(options.profile);
  const sysId = options.sysId ?? DEFAULT_SYS_ID;
  let platformPrivateKey: KeyObject;
  if (options.platformPrivateKey) {
    platformPrivateKey = loadPrivateKey(options.platformPrivateKey, 'sandbox platform private key');
  } else {
    const dir = join(options.dataDir ?? '.data', 'kazepay-sandbox');
    platformPrivateKey = loadOrCreateRsaKeyPair(dir, 'platform', 2048).privateKey;
  }
  const platformPublicKey = loadPublicKey(platformPrivateKey, 'sandbox platform public key');
  const merchantPublicKey = loadPublicKey(options.merchantPublicKey, 'merchant public key');
  const timeScale = options.timeScale ?? 1;
  const logger = options.logger;

  const scheduler = new Scheduler({
    timeScale,
    onError: (error) => logger?.warn({ err: error }, 'KazePay sandbox transition failed'),
  });
  const schedule = options.webhookScheduleMs ?? DEFAULT_WEBHOOK_SCHEDULE_MS;
  const webhooks = new WebhookSender({
    // The first send waits schedule[0] after the event; the rest are the gaps between sends.
    scheduleMs: schedule.slice(1),
    timeScale,
    faults: { delayMs: schedule[0] ?? 0 },
    seed: options.seed ?? 1,
    attemptTimeoutMs: 5_000,
    isAccepted: (status, body) => {
      if (status !== 200) return false;
      try {
        return (readGatewayMessage(body).head.code ?? '').toUpperCase() === 'SUCCESS';
      } catch {
        return false;
      }
    },
    onError: (error) => logger?.warn({ err: error }, 'KazePay sandbox webhook failed'),
  });
  const faults = new FaultInjector({ seed: options.seed ?? 1 });
  const nextRequestNo = sandboxRequestNos();
  const seenRequestNos = new Set<string>();
  const requests: SandboxRequestRecord[] = [];
  let baseUrl = '';

  const state = new KazepayState({
    currency: options.currency ?? 'USD',
    merchantBalance: options.merchantBalance ?? '100000.00',
    physicalCards: options.physicalCards ?? 20,
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
    statusNames: { ...DEFAULT_STATUS_NAMES, ...options.statusNames },
    transactionTypes: { ...DEFAULT_TRANSACTION_TYPES, ...options.transactionTypes },
    rejectKycEmails: options.rejectKycEmails ?? [],
    preconditions: { ...DEFAULT_PRECONDITIONS, ...options.preconditions },
    hostedKycTimer: options.hostedKycTimer ?? true,
    ...(options.firstCardId === undefined ? {} : { firstCardId: options.firstCardId }),
    scheduler,
    baseUrl: () => baseUrl,
    onEvent: (event) => {
      const url = state.webhookUrl;
      if (!url) return;
      const envelope = sealPlatformMessage(
        {
          head: { apiCode: event.event, sysId, requestNo: nextRequestNo(), version: '1.0' },
          business: Buffer.from(JSON.stringify(event.body), 'utf8'),
          platformPrivateKey,
          merchantPublicKey,
        },
        profile,
      );
      webhooks.send(
        url,
        gatewayWireBytes(envelope).toString('utf8'),
        { 'content-type': 'application/json' },
        { event: event.event, requestNo: envelope.head.requestNo, key: Object.values(event.body)[0] ?? '' },
      );
    },
  });

  const errorAnswer = (head: { apiCode?: string; requestNo?: string }, code: string, detail: string) =>
    jsonResponse(200, {
      head: {
        apiCode: head.apiCode ?? '',
        sysId,
        requestNo: head.requestNo ?? '',
        version: '1.0',
        code,
        detail,
      },
    });

  async function readGatewayRequest(
    request: SandboxRequest,
  ): Promise<{ parsed: GatewayMessage; file?: { fileName: string; content: Buffer } } | SandboxResponse> {
    const contentType = String(request.headers['content-type'] ?? '');
    if (!contentType.startsWith('multipart/form-data')) {
      try {
        return { parsed: readGatewayMessage(request.rawBody) };
      } catch {
        return jsonResponse(400, { head: { code: E.paramError, detail: 'not a KazePay envelope' } });
      }
    }
    try {
      const form = await new Response(request.rawBody, {
        headers: { 'content-type': contentType },
      }).formData();
      const head = form.get('head');
      const body = form.get('body');
      const file = form.get('file');
      if (typeof head !== 'string' || typeof body !== 'string') throw new Error('missing head or body');
      const parsed = readGatewayMessage(`{"head":${head},"body":${body}}`);
      if (!file || typeof file === 'string') return { parsed };
      return { parsed, file: { fileName: file.name, content: Buffer.from(await file.arrayBuffer()) } };
    } catch {
      return jsonResponse(400, { head: { code: E.paramError, detail: 'not a KazePay multipart envelope' } });
    }
  }

  async function gateway(request: SandboxRequest): Promise<SandboxResponse | typeof HANG_UP> {
    const read = await readGatewayRequest(request);
    if ('status' in read) return read;
    const { parsed, file } = read;
    const { head } = parsed;
    const record = (outcome: string) =>
      requests.push({
        at: new Date().toISOString(),
        apiCode: head.apiCode,
        requestNo: head.requestNo,
        outcome,
      });
    const refuse = (code: string, detail: string) => {
      record(code);
      return errorAnswer(head, code, detail);
    };

    if (head.sysId !== sysId) return refuse(E.invalidSysId, 'unknown sysId');
    if (!SANDBOX_REQUEST_NO_PATTERN.test(head.requestNo))
      return refuse(E.paramError, 'requestNo: must be 16 to 32 digits');
    if (seenRequestNos.has(head.requestNo)) return refuse(E.duplicateRequestNo, 'requestNo was used before');
    seenRequestNos.add(head.requestNo);

    let business: Buffer;
    try {
      business = openMerchantRequest(parsed, profile, { platformPrivateKey, merchantPublicKey });
    } catch (error) {
      const reason = error instanceof GatewayEnvelopeError ? error.reason : 'malformed';
      if (reason === 'bad-signature') return refuse(E.signError, 'signature verification failed');
      if (reason === 'undecryptable') return refuse(E.decryptError, 'the message cannot be decrypted');
      return refuse(E.paramError, 'sign, keyEnc or body.encrypt missing or badly encoded');
    }

    let input: unknown;
    try {
      input = parseBusinessJson(business.toString('utf8'));
    } catch {
      input = undefined;
    }
    const name = sandboxOperationFor(head.apiCode, input);
    if (!name) return refuse(E.unknownApiCode, `apiCode ${head.apiCode} is not supported`);
    if (input === undefined) return refuse(E.paramError, 'the business body is not JSON');
    const multipart = MULTIPART_OPERATIONS.has(name);
    if (multipart) {
      if (!file) return refuse(E.paramError, 'file: required (multipart/form-data)');
      input = { ...(input as object), file: { fileName: file.fileName, content: file.content } };
    }
    const valid = (SANDBOX_REQUESTS[name] as z.ZodType).safeParse(input);
    if (!valid.success) return refuse(E.paramError, schemaProblems(valid.error));

    const fault = faults.decide(head.apiCode);
    if (fault.kind === 'server-error') {
      record('fault:server-error');
      return { status: 500, headers: { 'content-type': 'text/plain' }, body: 'Internal Server Error' };
    }
    if (fault.kind === 'slow') await sleep(fault.delayMs);
    if (fault.kind === 'late-apply' && !multipart) {
      // The request "is still being processed" when the client gives up; it lands afterwards.
      record('fault:late-apply');
      setTimeout(() => {
        try {
          HANDLERS[name](state, valid.data as never);
        } catch (error) {
          if (!(error instanceof SandboxBusinessError)) throw error;
        }
      }, fault.delayMs).unref();
      return HANG_UP;
    }

    let result: unknown;
    try {
      if (name === 'fileUpload' && file) {
        const fields = valid.data as { email: string; mobileNumber: string; mobilePrefix: string };
        result = state.fileUpload(fields, {
          fileId: randomUUID(),
          email: fields.email,
          fileName: file.fileName,
          contentType: imageTypeOf(file.content) ?? 'application/octet-stream',
          bytes: file.content,
        });
      } else {
        result = HANDLERS[name](state, valid.data as never);
      }
    } catch (error) {
      if (!(error instanceof SandboxBusinessError)) throw error;
      if (fault.kind === 'applied-no-answer') {
        record(`${error.code}+fault:applied-no-answer`);
        return HANG_UP;
      }
      return refuse(error.code, error.detail);
    }
    if (fault.kind === 'applied-no-answer') {
      record('SUCCESS+fault:applied-no-answer');
      return HANG_UP;
    }
    const envelope = sealPlatformMessage(
      {
        head: {
          apiCode: head.apiCode,
          sysId,
          requestNo: head.requestNo,
          version: head.version,
          code: 'SUCCESS',
          detail: 'SUCCESS',
        },
        business: Buffer.from(stringify(result) ?? '{}', 'utf8'),
        platformPrivateKey,
        merchantPublicKey,
      },
      profile,
    );
    if (fault.kind === 'broken-signature') {
      const sign = envelope.head.sign;
      const flipped = sign.charAt(10) === '0' ? '1' : '0';
      envelope.head.sign = `${sign.slice(0, 10)}${flipped}${sign.slice(11)}`;
      record('SUCCESS+fault:broken-signature');
    } else {
      record(fault.kind === 'slow' ? 'SUCCESS+fault:slow' : 'SUCCESS');
    }
    return { status: 200, headers: { 'content-type': 'application/json' }, body: gatewayWireBytes(envelope) };
  }

  const control = createControl({ state, scheduler, webhooks, faults, requests, schedule });

  const server = await startSandboxServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    hangMs: options.hangMs ?? 60_000,
    onError: (error) => logger?.warn({ err: error }, 'KazePay sandbox request failed'),
    handle: async (request) => {
      if (request.path.startsWith(HOSTED_KYC_PATH)) return hostedKycPage(state, request);
      if (request.path === '/_sandbox' || request.path.startsWith('/_sandbox/'))
        return controlHttp(control, request, platformPublicKey);
      if (request.method !== 'POST') return jsonResponse(405, { error: 'the gateway takes POST' });
      return gateway(request);
    },
  });
  baseUrl = server.url;
  logger?.info({ url: server.url }, 'KazePay sandbox listening');

  return {
    url: server.url,
    port: server.port,
    sysId,
    platformPublicKey: platformPublicKey.export({ format: 'pem', type: 'spki' }).toString(),
    platformPublicKeyBase64: toBase64Der(platformPublicKey),
    control,
    close: async () => {
      await scheduler.close();
      await webhooks.close();
      await server.close();
    },
  };
}
