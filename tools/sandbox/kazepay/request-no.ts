// The requestNo the sandbox puts on the webhooks it sends: the shape of the seed's own examples
// (e.g. 2024062810200869481548: a yyyyMMddHHmmss UTC timestamp, then 8 digits), never the same
// twice in one sandbox. The sandbox's own, so the client's generator is not checked by itself.
import { randomInt } from 'node:crypto';

export function sandboxRequestNos(now: () => Date = () => new Date()): () => string {
  const issued = new Set<string>();
  let stamp = '';
  return () => {
    const current = now().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    if (current !== stamp) {
      stamp = current;
      issued.clear();
    }
    for (;;) {
      const candidate = `${stamp}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
      if (!issued.has(candidate)) {
        issued.add(candidate);
        return candidate;
      }
    }
  };
}
