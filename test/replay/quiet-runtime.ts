// Imported first (for its side effect) by scripts/record-histories.ts: the Temporal runtime logs
// errors only, so the flows that fail on purpose while recording do not flood the output.
import { installQuietRuntime } from './histories';

installQuietRuntime();
