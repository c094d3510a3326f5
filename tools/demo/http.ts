// The demo's view of the engine: its public HTTP API (bearer token) and the sandboxes' control
// routes (the stand-ins for a cardholder's mailbox and a shop). Nothing here talks to Temporal.

export interface HttpAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers read field by field
  body: any;
  text: string;
  /** The response headers (Retry-After of a 503). */
  headers?: Headers;
}

export class DemoHttpError extends Error {
  constructor(
    readonly what: string,
    readonly answer: HttpAnswer,
  ) {
    super(`${what}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
    this.name = 'DemoHttpError';
  }
}

async function send(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string | Uint8Array },
): Promise<HttpAnswer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, headers: response.headers };
}

export class EngineApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpAnswer> {
    return send(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  /** The call, or a DemoHttpError when the status is not one of `expected`. */
  async expect(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    expected: readonly number[] = [200, 201],
  ): Promise<HttpAnswer> {
    const answer = await this.call(method, path, body);
    if (!expected.includes(answer.status)) throw new DemoHttpError(`${method} ${path}`, answer);
    return answer;
  }

  async uploadDocument(bytes: Uint8Array, contentType: string): Promise<string> {
    const answer = await send(`${this.baseUrl}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': contentType },
      body: bytes,
    });
    if (answer.status !== 201) throw new DemoHttpError('POST /documents', answer);
    return answer.body.ref as string;
  }

  /** GET /flows/:id */
  flow(workflowId: string): Promise<HttpAnswer> {
    return this.call('GET', `/flows/${encodeURIComponent(workflowId)}`);
  }
}

/** A sandbox's control surface (`/_sandbox/...`): what a provider's test environment offers. */
export class SandboxControl {
  constructor(readonly baseUrl: string) {}

  async post(path: string, body: unknown = {}): Promise<HttpAnswer> {
    const answer = await send(`${this.baseUrl}/_sandbox/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (answer.status !== 200) throw new DemoHttpError(`sandbox ${path}`, answer);
    return answer;
  }

  async get(path: string): Promise<HttpAnswer> {
    const answer = await send(`${this.baseUrl}/_sandbox/${path}`, { method: 'GET' });
    if (answer.status !== 200) throw new DemoHttpError(`sandbox ${path}`, answer);
    return answer;
  }
}
