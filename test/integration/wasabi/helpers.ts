// Shared set-up for the Wasabi integration tests: a merchant key pair, the in-process sandbox with
// millisecond timings, a typed client pointed at it, and a webhook receiver that runs the
// production verification function over real HTTP.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { WasabiClient, type WasabiClientOptions } from '../../../src/providers/wasabi/client';
import {
  createWasabiWebhookHandler,
  type WasabiWebhookOptions,
  type WasabiWebhookResult,
} from '../../../src/providers/wasabi/webhooks';
import { startWasabiSandbox, type WasabiSandbox } from '../../../tools/sandbox/wasabi';
import type { WasabiSandboxOptions } from '../../../tools/sandbox/wasabi/options';

export const merchantKeys = (bits = 1024) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
};

/** Fast timings: orders finish in ~30 ms, reviews in ~60 ms. */
export const FAST: Partial<WasabiSandboxOptions> = {
  timeScale: 0.01,
  webhookTimeScale: 0.00001,
  platformKeyBits: 1024,
};

export interface Harness {
  sandbox: WasabiSandbox;
  client: WasabiClient;
  keys: ReturnType<typeof merchantKeys>;
  clientFor(options?: Partial<WasabiClientOptions>): WasabiClient;
  close(): Promise<void>;
}

export async function startHarness(
  options: Partial<WasabiSandboxOptions> = {},
  clientOptions: Partial<WasabiClientOptions> = {},
): Promise<Harness> {
  const keys = merchantKeys();
  const sandbox = await startWasabiSandbox({ ...FAST, merchantPublicKey: keys.publicPem, ...options });
  const clientFor = (extra: Partial<WasabiClientOptions> = {}) =>
    new WasabiClient({
      baseUrl: sandbox.url,
      apiKey: sandbox.apiKey,
      merchantPrivateKey: keys.privatePem,
      platformPublicKey: sandbox.platformPublicKeyDer,
      timeoutMs: 2000,
      ...clientOptions,
      ...extra,
    });
  return { sandbox, keys, client: clientFor(), clientFor, close: () => sandbox.close() };
}

export interface Receiver {
  url: string;
  results: WasabiWebhookResult[];
  /** Accepted, first-seen events (what the engine would act on). */
  fresh(category?: string): Array<Extract<WasabiWebhookResult, { outcome: 'accepted' }>>;
  /** Answer this many requests with HTTP 500 first (to exercise retries). */
  failNext: number;
  close(): Promise<void>;
}

/** A merchant endpoint that mounts createWasabiWebhookHandler over real HTTP. */
export async function startReceiver(options: WasabiWebhookOptions): Promise<Receiver> {
  const handle = createWasabiWebhookHandler(options);
  const results: WasabiWebhookResult[] = [];
  const receiver = { failNext: 0 } as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (receiver.failNext > 0) {
        receiver.failNext -= 1;
        res.writeHead(500).end('busy');
        return;
      }
      void handle({ headers: req.headers, rawBody: Buffer.concat(chunks) }).then(async (result) => {
        results.push(result);
        // This receiver acts on nothing: a first copy is handled once it is recorded.
        if (result.outcome === 'accepted' && !result.duplicate && !result.inFlight) await result.settle();
        res.writeHead(result.response.status, result.response.headers).end(result.response.body);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/webhooks/wasabi`,
    results,
    fresh: (category?: string) =>
      results.filter(
        (r): r is Extract<WasabiWebhookResult, { outcome: 'accepted' }> =>
          r.outcome === 'accepted' && !r.duplicate && (category === undefined || r.category === category),
      ),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `ms`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 5000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${ms} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let counter = 0;
/** merchantOrderNo: letters and digits, 24 characters (fits every documented range). */
export const orderNo = (prefix = 'T') =>
  `${prefix}${Date.now()}${String(++counter).padStart(10, '0')}`.slice(0, 24);

export const HOLDER = {
  cardHolderModel: 'B2C' as const,
  cardTypeId: '111065',
  areaCode: '+1',
  mobile: '5550100',
  firstName: 'Ada',
  lastName: 'Lovelace',
  birthday: '1990-01-31',
  country: 'US',
  town: 'US-NY-NYC',
  address: '1 Main Street',
  postCode: '10001',
  nationality: 'US',
  gender: 'F' as const,
  occupation: '15-1252',
  idType: 'PASSPORT' as const,
  idNumber: 'X1234567',
};
