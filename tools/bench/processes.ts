// CPU and memory of the processes of an arm, read from Linux's /proc: CPU time (user + system,
// with the time of children already reaped) and resident memory of a process and all of its
// descendants (tsx and esbuild start helper processes of their own). The bench process itself is
// measured with process.cpuUsage() / process.memoryUsage() instead.
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK)

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in seconds. */
  cpuSeconds: number;
}

/** Fields of /proc/<pid>/stat (the command name may contain spaces and parentheses). */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  // After ") ": state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17); index 0 = field 3.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const num = (field: number) => Number(fields[field - 3]);
  const ticks = num(14) + num(15) + num(16) + num(17);
  if (!Number.isFinite(pid) || !Number.isFinite(ticks)) return null;
  return { pid, ppid: num(4), cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND };
}

/** VmRSS and VmHWM of /proc/<pid>/status, in bytes. */
export function parseProcStatus(text: string): { rssBytes: number; hwmBytes: number } {
  const kb = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM') };
}

function readStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null; // gone
  }
}

/** The given processes and every live descendant of them. */
export function processTree(roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(stat.pid);
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (out.includes(pid)) continue;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** CPU seconds used so far by each root process with its descendants (by root pid). */
export function treeCpuSeconds(roots: readonly number[]): number {
  let total = 0;
  for (const pid of processTree(roots)) total += readStat(pid)?.cpuSeconds ?? 0;
  return total;
}

/** Resident memory now of the given processes, in bytes. */
export function rssBytes(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8')).rssBytes;
    } catch {
      // gone
    }
  }
  return total;
}

/** CPU seconds of this process (all threads, including the Temporal core's). */
export function selfCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Samples an arm while it runs: CPU at start and end per named process (each with its
 * descendants; `driver` is this process), resident memory every `everyMs`, per named process and
 * summed over the arm's processes (this one included). `stop()` answers CPU seconds used, per
 * process and in all, the peak of the summed RSS and each process's own peak.
 */
export function sampleArm(roots: Readonly<Record<string, number>>, everyMs = 250) {
  const names = Object.keys(roots);
  const cpuNow = (): Record<string, number> => ({
    ...Object.fromEntries(names.map((name) => [name, treeCpuSeconds([roots[name] as number])])),
    driver: selfCpuSeconds(),
  });
  const atStart = cpuNow();
  // The process trees are listed once per second, not at every sample: walking /proc costs CPU,
  // which lands on the driver of every arm alike.
  const listTrees = () =>
    Object.fromEntries(names.map((name) => [name, processTree([roots[name] as number])]));
  let trees = listTrees();
  let listedAt = Date.now();
  let peakRssBytes = 0;
  const peakByProcess: Record<string, number> = {};
  const sample = () => {
    if (Date.now() - listedAt >= 1000) {
      trees = listTrees();
      listedAt = Date.now();
    }
    const now: Record<string, number> = {
      ...Object.fromEntries(names.map((name) => [name, rssBytes(trees[name] ?? [])])),
      driver: process.memoryUsage.rss(),
    };
    for (const [name, bytes] of Object.entries(now))
      peakByProcess[name] = Math.max(peakByProcess[name] ?? 0, bytes);
    peakRssBytes = Math.max(
      peakRssBytes,
      Object.values(now).reduce((a, b) => a + b, 0),
    );
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    stop(): {
      cpuSeconds: number;
      cpuByProcess: Record<string, number>;
      peakRssBytes: number;
      peakRssBytesByProcess: Record<string, number>;
    } {
      clearInterval(timer);
      sample();
      const atEnd = cpuNow();
      const cpuByProcess = Object.fromEntries(
        Object.keys(atEnd).map((name) => [name, (atEnd[name] as number) - (atStart[name] as number)]),
      );
      const cpuSeconds = Object.values(cpuByProcess).reduce((a, b) => a + b, 0);
      return { cpuSeconds, cpuByProcess, peakRssBytes, peakRssBytesByProcess: { ...peakByProcess } };
    },
  };
}
