// The cluster's processes run in process groups of their own (`detached`), so that Ctrl-C in the
// terminal reaches only cardflow, which then stops them in order, last started first. Should
// cardflow itself end without that orderly stop (an uncaught error, process.exit), each process
// still running is sent its own stop signal on the way out, so none is left behind.
import type { ChildProcess } from 'node:child_process';

const running = new Map<ChildProcess, NodeJS.Signals>();
let hooked = false;

/** Sends `signal` to `child` if this process exits while the child still runs. */
export function stopOnExit(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const [c, s] of running) if (c.exitCode === null && c.signalCode === null) c.kill(s);
    });
  }
  running.set(child, signal);
  child.once('exit', () => running.delete(child));
}
