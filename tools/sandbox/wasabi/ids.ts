// The sandbox's identifiers from one seeded stream: 19-digit long ids, random digits, Luhn-valid PANs.
import { seededRandom } from '../common/random';

export class SandboxIds {
  private seq = 0;
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  longId(): string {
    // 19 digits, beyond 2^53: exercises lossless parsing on the client.
    this.seq += 1;
    return `19${String(Math.floor(this.random() * 1e8)).padStart(8, '0')}${String(this.seq).padStart(9, '0')}`;
  }

  /** The sequence number the next long id will carry (card numbers borrow it). */
  get nextSeq(): number {
    return this.seq + 1;
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.random() * 10);
    return s;
  }

  pan(bin: string): string {
    const body = bin + this.digits(15 - bin.length);
    let sum = 0;
    for (let i = 0; i < body.length; i++) {
      let d = Number(body[body.length - 1 - i]);
      if (i % 2 === 0) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return body + String((10 - (sum % 10)) % 10);
  }
}
