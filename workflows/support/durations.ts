// Durations of the contract (`30s`, `5m`, `2h`, `7d`, `250ms`) as milliseconds, inside workflows.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function durationMs(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!match) throw new TypeError(`invalid duration ${value}`);
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

/** A wait's settings with the flow's defaults filled in, in milliseconds. */
export function waitSettings(
  given: { deadline?: string; pollInterval?: string } | undefined,
  defaults: { deadline: string; pollInterval: string },
): { deadlineMs: number; pollIntervalMs: number } {
  return {
    deadlineMs: durationMs(given?.deadline ?? defaults.deadline),
    pollIntervalMs: durationMs(given?.pollInterval ?? defaults.pollInterval),
  };
}
