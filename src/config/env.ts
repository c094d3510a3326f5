// Reading settings from the environment: every problem is collected and reported at once,
// naming the variable, so a bad deployment stops with one readable message.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${problems.join('\n  ')}`,
    );
  }
}

/** A schema over environment variable names (UPPER_SNAKE keys), values as strings. */
export type EnvSchema = z.ZodObject<Record<string, z.ZodType>>;

type Sections = Record<string, EnvSchema>;
type Parsed<S extends Sections> = { [K in keyof S]: z.output<S[K]> };

/**
 * Reads `NAME`, or the content of the file named by `NAME_FILE` (for secrets mounted as files;
 * one trailing newline dropped). Setting both is an error: which one wins would be a guess.
 */
function withFileVariables(
  names: readonly string[],
  env: NodeJS.ProcessEnv,
  problems: string[],
): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const name of names) {
    const direct = env[name];
    const file = env[`${name}_FILE`];
    if (direct !== undefined && direct !== '' && file) {
      problems.push(`${name}: set either ${name} or ${name}_FILE, not both`);
      continue;
    }
    if (file) {
      try {
        values[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      } catch (error) {
        problems.push(
          `${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
    } else {
      // An empty variable means "not set", as shells and compose files usually intend.
      values[name] = direct === '' ? undefined : direct;
    }
  }
  return values;
}

/** Parses several sections of settings together and throws one ConfigError listing every problem. */
export function parseEnv<S extends Sections>(sections: S, env: NodeJS.ProcessEnv = process.env): Parsed<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [section, schema] of Object.entries(sections)) {
    const names = Object.keys(schema.shape);
    const raw = withFileVariables(names, env, problems);
    const result = schema.safeParse(raw);
    if (result.success) {
      out[section] = result.data;
    } else {
      for (const issue of result.error.issues) {
        const name = issue.path.map(String).join('.') || section;
        // Never echo the received value: it may be a secret.
        problems.push(`${name}: ${issue.message}`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Parsed<S>;
}

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Small vocabulary of typed environment values shared by every configuration section. */
export const envValue = {
  string: () => z.string().min(1),
  int: (min: number, max: number) =>
    z
      .string()
      .regex(/^\d+$/, 'expected a whole number')
      .transform(Number)
      .pipe(z.number().int().min(min).max(max)),
  bool: () =>
    z
      .enum(['true', 'false', '1', '0'], { message: 'expected true or false' })
      .transform((v) => v === 'true' || v === '1'),
  /** `250ms`, `30s`, `5m`, `2h`, `30d`; the value in milliseconds. */
  durationMs: () =>
    z
      .string()
      .regex(DURATION, 'expected a duration such as 250ms, 30s, 5m, 2h or 30d')
      .transform((v) => {
        const [, n, unit] = DURATION.exec(v) as unknown as [string, string, keyof typeof UNIT_MS];
        return Number(n) * UNIT_MS[unit];
      }),
  hostPort: () => z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port'),
  url: () => z.url({ message: 'expected an absolute URL' }),
};

/**
 * A section that is optional as a whole (a provider): undefined when none of its variables (nor
 * their `_FILE` forms) is set; once any is set, the section is checked like any other, so a
 * partial set is a ConfigError naming every missing or bad variable.
 */
export function parseOptionalSection<S extends EnvSchema>(
  schema: S,
  env: NodeJS.ProcessEnv,
): z.output<S> | undefined {
  const mentioned = Object.keys(schema.shape).some((n) => Boolean(env[n]) || Boolean(env[`${n}_FILE`]));
  return mentioned ? parseEnv({ section: schema }, env).section : undefined;
}

/** Collects the problems of several settings loaders, so that one ConfigError lists them all. */
export class ConfigProblems {
  readonly problems: string[] = [];

  /** The loader's value, or undefined with its problems recorded when it throws a ConfigError. */
  attempt<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.problems.push(...error.problems);
      return undefined;
    }
  }

  add(problem: string): void {
    this.problems.push(problem);
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

/** `host:port` (as `envValue.hostPort()` accepts it) split into the host and the port number. */
export function splitHostPort(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}
