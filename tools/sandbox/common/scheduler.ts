// Moves sandbox state forward in time: "settle this recharge in 2 s", "retry this webhook in
// 5 min". `timeScale` compresses every delay (0.001 turns minutes into tens of milliseconds),
// and tests can run everything due at once with `runAllNow()` instead of waiting.

interface Task {
  id: number;
  dueAt: number;
  fn: () => void | Promise<void>;
  timer: NodeJS.Timeout;
}

export interface SchedulerOptions {
  /** Multiplies every delay; 1 = real time. */
  timeScale?: number;
  /** Called when a task throws, so a failing transition is visible rather than silent. */
  onError?: (error: unknown) => void;
}

export class Scheduler {
  private readonly tasks = new Map<number, Task>();
  private nextId = 1;
  private closed = false;
  private readonly running = new Set<Promise<void>>();
  timeScale: number;

  constructor(private readonly options: SchedulerOptions = {}) {
    this.timeScale = options.timeScale ?? 1;
  }

  /** Runs `fn` after `ms` (scaled). Returns a cancel function. */
  after(ms: number, fn: () => void | Promise<void>): () => void {
    if (this.closed) return () => undefined;
    const id = this.nextId++;
    const delay = Math.max(0, Math.round(ms * this.timeScale));
    const timer = setTimeout(() => this.run(id), delay);
    timer.unref?.();
    this.tasks.set(id, { id, dueAt: Date.now() + delay, fn, timer });
    return () => {
      const task = this.tasks.get(id);
      if (task) clearTimeout(task.timer);
      this.tasks.delete(id);
    };
  }

  pending(): number {
    return this.tasks.size;
  }

  /** Runs every pending task now, in due order, including tasks those tasks schedule (bounded). */
  async runAllNow(maxRounds = 1000): Promise<void> {
    for (let round = 0; round < maxRounds && this.tasks.size > 0; round++) {
      const [next] = [...this.tasks.values()].sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
      if (next) await this.run(next.id);
    }
    await this.idle();
  }

  /** Waits for tasks that are already running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.tasks.values()) clearTimeout(task.timer);
    this.tasks.clear();
    await this.idle();
  }

  private run(id: number): Promise<void> {
    const task = this.tasks.get(id);
    if (!task) return Promise.resolve();
    clearTimeout(task.timer);
    this.tasks.delete(id);
    const running = (async () => {
      try {
        await task.fn();
      } catch (error) {
        this.options.onError?.(error);
      }
    })();
    this.running.add(running);
    void running.finally(() => this.running.delete(running));
    return running;
  }
}
