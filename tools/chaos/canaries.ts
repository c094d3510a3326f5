// Canary secrets: values the lifecycles feed the engine (names, emails, passport numbers, printed
// card numbers, a PIN) or that the providers hand it (activation codes, issued card numbers), which
// must never appear in a workflow history or a log line. One scanner finds any of them, as text
// (case-insensitive), as a number not part of a longer run of digits or letters, and, in stored
// histories, inside base64 (an unencrypted payload): text canaries at any byte alignment, every
// canary in what each base64 run decodes to.

export interface CanaryHit {
  label: string;
  source: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The base64 (standard and url-safe) of a value at each of the three byte alignments. */
export function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value);
  const forms: string[] = [];
  for (let skip = 0; skip < 3; skip++) {
    const rest = bytes.subarray(skip);
    const whole = rest.subarray(0, rest.length - (rest.length % 3));
    if (whole.length < 6) continue;
    forms.push(whole.toString('base64'), whole.toString('base64url'));
  }
  return [...new Set(forms)];
}

/**
 * The bytes behind every base64 run in some text (read as latin1), e.g. the `data` of each
 * payload in a history's JSON. A canary made of digits is looked for in these with its word
 * boundaries: an unencrypted payload holding it decodes to text that shows it, while a longer
 * number that merely contains its digits (a timestamp in a local activity's marker) does not.
 */
export function decodedBase64Runs(text: string): string[] {
  const runs: string[] = [];
  for (const [run] of text.matchAll(/[A-Za-z0-9+/_-]{8,}={0,2}/g)) {
    runs.push(Buffer.from(run, /[-_]/.test(run) ? 'base64url' : 'base64').toString('latin1'));
  }
  return runs;
}

export class CanarySet {
  /** Lower-cased value → label. */
  private readonly labels = new Map<string, string>();
  /** Values as they are sent (their base64 depends on the spelling). */
  private readonly texts = new Set<string>();
  private readonly numbers = new Set<string>();
  private compiled: { plain: RegExp; encoded: RegExp; encodedLabels: Map<string, string> } | undefined;

  /** Text found anywhere, case-insensitive (at least 8 characters, so noise never matches). */
  text(label: string, value: string): void {
    if (value.length < 8) throw new Error(`canary ${label} is too short to search for`);
    this.add(label, value, this.texts);
  }

  /** Digits found when not part of a longer run of letters or digits. */
  digits(label: string, value: string): void {
    if (!/^\d{6,}$/.test(value)) throw new Error(`canary ${label} must be 6 or more digits`);
    this.add(label, value, this.numbers);
  }

  get size(): number {
    return this.labels.size;
  }

  /** One registered value (for a positive control of the search). */
  sample(): string {
    const [first] = [...this.texts, ...this.numbers];
    if (first === undefined) throw new Error('no canary registered');
    return first;
  }

  /** Labels of the canaries in some text (plain forms only). */
  scanPlain(text: string): string[] {
    const { plain } = this.compile();
    const found = new Set<string>();
    for (const match of text.matchAll(plain)) {
      const value = (match[1] ?? match[2] ?? '').toLowerCase();
      found.add(this.labels.get(value) ?? 'canary');
    }
    return [...found];
  }

  /**
   * Labels of the canaries in stored bytes: plain forms, text canaries as base64 at any alignment
   * (inside a longer payload too), and every canary in the decoded base64 runs.
   */
  scanStored(text: string): string[] {
    const { encoded, encodedLabels } = this.compile();
    const found = new Set(this.scanPlain(text));
    for (const match of text.matchAll(encoded)) found.add(encodedLabels.get(match[0]) ?? 'canary (base64)');
    for (const decoded of decodedBase64Runs(text))
      for (const label of this.scanPlain(decoded)) found.add(`${label} (base64)`);
    return [...found];
  }

  private add(label: string, value: string, into: Set<string>): void {
    into.add(value);
    this.labels.set(value.toLowerCase(), label);
    this.compiled = undefined;
  }

  private compile() {
    if (this.compiled) return this.compiled;
    const texts = [...this.texts].map(escape);
    const numbers = [...this.numbers].map(escape);
    const parts = [
      texts.length ? `(${texts.join('|')})` : '(?!)',
      numbers.length ? `(?<![A-Za-z0-9])(${numbers.join('|')})(?![A-Za-z0-9])` : '(?!)',
    ];
    const encodedLabels = new Map<string, string>();
    // Digit canaries are left to the decoded runs: their base64 forms would also match inside
    // any longer number that contains their digits.
    for (const value of this.texts)
      for (const form of base64Forms(value))
        encodedLabels.set(form, `${this.labels.get(value.toLowerCase()) ?? 'canary'} (base64)`);
    const encodedParts = [...encodedLabels.keys()].map(escape);
    this.compiled = {
      plain: new RegExp(parts.join('|'), 'gi'),
      encoded: encodedParts.length ? new RegExp(encodedParts.join('|'), 'g') : /(?!)/g,
      encodedLabels,
    };
    return this.compiled;
  }
}
