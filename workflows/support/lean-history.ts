// The `lean-history` patch: how flows started after it keep their histories short and the
// server's work per flow small (docs/benchmark.md). Reads and keyed sends run as local activities
// (one marker each, in the same workflow task, instead of an activity task and a workflow task
// through the server), a search attribute is upserted only when its value changes, and a flow's
// card reference joins the state upsert that follows it. Flows that started before the patch
// replay the old commands.
import { patched } from '@temporalio/workflow';

export const LEAN_HISTORY_PATCH = 'lean-history';

// Module state is per workflow execution (the SDK gives each workflow its own module instances).
let decided: boolean | undefined;

/**
 * Whether this execution takes the lean path. The first call records the patch marker, so every
 * workflow calls it first thing, before its first command (FlowTracker's constructor does).
 */
export function leanHistory(): boolean {
  decided ??= patched(LEAN_HISTORY_PATCH);
  return decided;
}
