// Webhook delivery as providers do it: first send at once, then retries on the provider's
// schedule until the merchant acknowledges, every attempt recorded. Faults stand in for a
// flaky network: a share of notifications never sent, sent twice, or sent late.
import { randomUUID } from 'node:crypto';
import { seededRandom } from './random';
import { Scheduler } from './scheduler';

export interface WebhookAttempt {
  at: string;
  status?: number;
  error?: string;
  accepted: boolean;
}

export interface WebhookDelivery {
  id: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Free-form facts for tests and the control surface (event name, business key...). */
  meta: Record<string, string>;
  attempts: WebhookAttempt[];
  state: 'pending' | 'delivered' | 'failed' | 'dropped';
}

export interface WebhookFaults {
  /** Share of notifications never sent at all. */
  dropRate?: number;
  /** Share of notifications sent twice (the duplicate after the first is accepted). */
  duplicateRate?: number;
  /** Extra delay before the first send, in (unscaled) milliseconds. */
  delayMs?: number;
}

export interface WebhookSenderOptions {
  /** Gaps between sends after the first, immediate one, in unscaled ms. Total sends = gaps + 1. */
  scheduleMs: readonly number[];
  timeScale?: number;
  /** The provider's rule for "the merchant acknowledged". */
  isAccepted: (status: number, body: Buffer) => boolean;
  faults?: WebhookFaults;
  seed?: number;
  /** Per-attempt HTTP timeout (real ms). */
  attemptTimeoutMs?: number;
  onError?: (error: unknown) => void;
}

export class WebhookSender {
  private readonly scheduler: Scheduler;
  private readonly list: WebhookDelivery[] = [];
  private readonly random: () => number;
  faults: WebhookFaults;

  constructor(private readonly options: WebhookSenderOptions) {
    this.scheduler = new Scheduler({ timeScale: options.timeScale ?? 1, onError: options.onError });
    this.random = seededRandom(options.seed ?? 7);
    this.faults = options.faults ?? {};
  }

  set timeScale(scale: number) {
    this.scheduler.timeScale = scale;
  }

  send(
    url: string,
    body: string,
    headers: Record<string, string>,
    meta: Record<string, string> = {},
  ): WebhookDelivery {
    const delivery: WebhookDelivery = {
      id: randomUUID(),
      url,
      headers,
      body,
      meta,
      attempts: [],
      state: 'pending',
    };
    this.list.push(delivery);
    if (this.random() < (this.faults.dropRate ?? 0)) {
      delivery.state = 'dropped';
      return delivery;
    }
    const duplicate = this.random() < (this.faults.duplicateRate ?? 0);
    this.scheduler.after(this.faults.delayMs ?? 0, () => this.attempt(delivery, 0, duplicate));
    return delivery;
  }

  deliveries(filter: Partial<Record<string, string>> = {}): WebhookDelivery[] {
    return this.list.filter((d) => Object.entries(filter).every(([k, v]) => d.meta[k] === v));
  }

  /** Runs every scheduled send and retry now (tests). */
  flush(): Promise<void> {
    return this.scheduler.runAllNow();
  }

  close(): Promise<void> {
    return this.scheduler.close();
  }

  private async attempt(delivery: WebhookDelivery, index: number, duplicate: boolean): Promise<void> {
    const accepted = await this.post(delivery);
    if (accepted) {
      delivery.state = 'delivered';
      if (duplicate) await this.post(delivery);
      return;
    }
    const gap = this.options.scheduleMs[index];
    if (gap === undefined) {
      delivery.state = 'failed';
      return;
    }
    this.scheduler.after(gap, () => this.attempt(delivery, index + 1, duplicate));
  }

  private async post(delivery: WebhookDelivery): Promise<boolean> {
    const attempt: WebhookAttempt = { at: new Date().toISOString(), accepted: false };
    delivery.attempts.push(attempt);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(this.options.attemptTimeoutMs ?? 10_000),
      });
      attempt.status = response.status;
      attempt.accepted = this.options.isAccepted(response.status, Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      attempt.error = error instanceof Error ? error.message : String(error);
    }
    return attempt.accepted;
  }
}
