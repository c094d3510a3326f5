// The Temporal Schedule that deletes identity documents older than CARDFLOW_DOCUMENT_RETENTION:
// every CARDFLOW_DOCUMENT_SWEEP_INTERVAL it starts the `documentRetention` workflow. Each worker
// ensures it at start: created when missing, else brought to the configured age and interval,
// so any number of workers starting together leave one schedule.
import { Client, type ConnectionLike, ScheduleAlreadyRunning } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { TASK_QUEUE } from '../contract';

export const DOCUMENT_RETENTION_SCHEDULE_ID = 'cardflow-document-retention';
/** The workflow the schedule starts (workflows/document-retention.ts). */
export const DOCUMENT_RETENTION_WORKFLOW = 'documentRetention';

export interface RetentionScheduleSettings {
  /** The age limit handed to each sweep, e.g. `30d`. */
  retention: string;
  /** How often a sweep starts, e.g. `1h`. */
  every: string;
}

export async function ensureDocumentRetentionSchedule(
  target: { connection: ConnectionLike; namespace: string; dataConverter?: DataConverter },
  { retention, every }: RetentionScheduleSettings,
): Promise<'created' | 'updated'> {
  const client = new Client(target);
  const spec = { intervals: [{ every }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: DOCUMENT_RETENTION_WORKFLOW,
    workflowId: 'document-retention',
    taskQueue: TASK_QUEUE,
    args: [{ retention }],
  };
  try {
    await client.schedule.create({
      scheduleId: DOCUMENT_RETENTION_SCHEDULE_ID,
      spec,
      action,
      // A sweep still running when the next is due makes that one unnecessary.
      policies: { overlap: 'SKIP', catchupWindow: '1h' },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule
      .getHandle(DOCUMENT_RETENTION_SCHEDULE_ID)
      .update((previous) => ({ ...previous, spec, action }));
    return 'updated';
  }
}
