// Port checks for local processes: a port already taken is reported by name before anything
// starts, instead of a child process failing later with a message nobody sees.
import { createServer } from 'node:net';

export interface PortClaim {
  /** What wants the port, e.g. "Temporal Web UI". */
  what: string;
  host: string;
  port: number;
  /** The setting that moves it, e.g. CARDFLOW_DEV_TEMPORAL_UI_PORT. */
  setting?: string;
}

export class PortInUseError extends Error {
  constructor(readonly claims: readonly PortClaim[]) {
    super(
      claims
        .map(
          (c) =>
            `port ${c.port} on ${c.host} (${c.what}) is already in use` +
            (c.setting ? `; choose another with ${c.setting}` : ''),
        )
        .join('\n'),
    );
    this.name = 'PortInUseError';
  }
}

/** True when nothing listens on host:port (port 0 is always free: the OS picks one). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((done) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', () => done(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => done(true)));
  });
}

/** Throws one PortInUseError naming every claimed port that is taken. */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  const taken: PortClaim[] = [];
  for (const claim of claims) if (!(await isPortFree(claim.host, claim.port))) taken.push(claim);
  if (taken.length > 0) throw new PortInUseError(taken);
}

/**
 * Ports this process has handed out. The OS may offer a port again as soon as its probe closes,
 * so two children given "free" ports could get the same one and the second fail to bind (the
 * cluster suite saw its API port taken by Temporal matching); a port is handed out once.
 */
const handedOut = new Set<number>();

/** Marks `port` as handed out; false when this process already handed it out. */
export function handOut(port: number): boolean {
  if (handedOut.has(port)) return false;
  handedOut.add(port);
  return true;
}

/** A port the OS says is free right now and this process has not handed out before. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = await osFreePort(host);
    if (handOut(port)) return port;
  }
  throw new Error(`no free port on ${host} that was not handed out already`);
}

function osFreePort(host: string): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', fail);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}
