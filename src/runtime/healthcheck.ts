// The container health check (bin/healthcheck.js; the image's HEALTHCHECK): which URL answers
// for the role this container runs, read from the same bind-address settings the role reads.
//
//   worker        GET /health on CARDFLOW_WORKER_HEALTH_BIND_ADDRESS   (200 only while it polls)
//   api           GET /health on CARDFLOW_API_BIND_ADDRESS
//   codec-server  GET /health on CARDFLOW_CODEC_SERVER_BIND_ADDRESS
//   sandbox kazepay|wasabi   GET /_sandbox/state on KAZEPAY_/WASABI_SANDBOX_HOST and _PORT
//
// The role is the health check's argument, or else found among the container's processes
// (`node bin/cardflow.js <role>`), so the image's default check works for every role.
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';

export interface HealthTarget {
  role: string;
  /** Undefined when the role serves nothing to check (e.g. the worker's health server is off). */
  url?: string;
}

const DEFAULTS = {
  worker: '127.0.0.1:8089',
  api: '127.0.0.1:8080',
  'codec-server': '127.0.0.1:8234',
} as const;

/** A variable as the engine reads it: `NAME`, or the content of the file named by `NAME_FILE`. */
function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const direct = env[name];
  if (direct) return direct;
  const file = env[`${name}_FILE`];
  return file ? readFileSync(file, 'utf8').trim() : undefined;
}

/** A bind address turned into one a local client reaches (a wildcard bind means loopback). */
function local(hostPort: string): string {
  const colon = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, colon);
  const port = hostPort.slice(colon + 1);
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host;
  return `${reachable}:${port}`;
}

/** The URL to check for `cardflow <args>` (args: the role and its own arguments). */
export function healthTarget(args: readonly string[], env: NodeJS.ProcessEnv): HealthTarget {
  const [role = '', sub] = args;
  if (role === 'worker') {
    const bind = setting(env, 'CARDFLOW_WORKER_HEALTH_BIND_ADDRESS') ?? DEFAULTS.worker;
    return bind === 'off' ? { role } : { role, url: `http://${local(bind)}/health` };
  }
  if (role === 'api')
    return { role, url: `http://${local(setting(env, 'CARDFLOW_API_BIND_ADDRESS') ?? DEFAULTS.api)}/health` };
  if (role === 'codec-server') {
    const bind = setting(env, 'CARDFLOW_CODEC_SERVER_BIND_ADDRESS') ?? DEFAULTS['codec-server'];
    return { role, url: `http://${local(bind)}/health` };
  }
  if (role === 'sandbox' && (sub === 'kazepay' || sub === 'wasabi')) {
    const prefix = sub === 'kazepay' ? 'KAZEPAY_SANDBOX' : 'WASABI_SANDBOX';
    const host = setting(env, `${prefix}_HOST`) ?? '127.0.0.1';
    const port = setting(env, `${prefix}_PORT`) ?? (sub === 'kazepay' ? '8710' : '8720');
    return { role: `sandbox ${sub}`, url: `http://${local(`${host}:${port}`)}/_sandbox/state` };
  }
  throw new Error(`no health check for "cardflow ${args.join(' ')}"`);
}

/** The arguments of the `cardflow` process running in this container (Linux /proc). */
export function findCardflowArgs(procDir = '/proc'): string[] | undefined {
  const pids = readdirSync(procDir)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(a) - Number(b));
  for (const pid of pids) {
    let argv: string[];
    try {
      argv = readFileSync(`${procDir}/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    const at = argv.findIndex((a) => a.endsWith('bin/cardflow.js') || a.endsWith('cli/main.js'));
    if (at >= 0 && argv[at + 1] && argv[at + 1] !== 'help') return argv.slice(at + 1);
  }
  return undefined;
}

/** GET the URL; resolves with the HTTP status (rejects when nothing answers in time). */
export function probe(url: string, timeoutMs = 4000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end();
  });
}

/** The health check: exit code 0 when the role answers 200 (or serves nothing to check), else 1. */
export async function runHealthcheck(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = (l) => console.error(l),
): Promise<number> {
  const roleArgs = args.length > 0 ? [...args] : findCardflowArgs();
  if (!roleArgs) {
    out('healthcheck: no cardflow process found (give the role as an argument)');
    return 1;
  }
  let target: HealthTarget;
  try {
    target = healthTarget(roleArgs, env);
  } catch (error) {
    out(`healthcheck: ${(error as Error).message}`);
    return 1;
  }
  if (!target.url) return 0;
  try {
    const status = await probe(target.url);
    if (status === 200) return 0;
    out(`healthcheck: ${target.role} answered ${status} on ${target.url}`);
  } catch (error) {
    out(`healthcheck: ${target.role} on ${target.url}: ${(error as Error).message}`);
  }
  return 1;
}
