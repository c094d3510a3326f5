// A flow's precondition reads in one activity (issue 20): the WasabiCard issuance reads its card
// type and cardholder, the deposits their card and its card type (WasabiCard) or its status and
// recharge snapshot (KazePay), each pair as one activity instead of two. One activity task and one
// workflow task fewer each, 6 history events for 1 patch marker. Runs started before replay their
// two reads (no marker: patched() answers false).
import { patched } from '@temporalio/workflow';

export const PRECONDITION_READS_PATCH = 'precondition-reads-together';

/** Whether this run reads its preconditions in one activity (records the marker when new). */
export const readsPreconditionsTogether = (): boolean => patched(PRECONDITION_READS_PATCH);
