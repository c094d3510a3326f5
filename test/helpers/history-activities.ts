// Which activities a flow called, read from its history: activities scheduled through the server
// and local activities (recorded as markers whose data names the activity type).
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

/** The SDK's marker for a local activity's result. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export interface ActivityCall {
  activityType: string;
  local: boolean;
}

/** Every activity call in history order (a local activity retried in the worker counts once). */
export function activityCalls(history: History): ActivityCall[] {
  const calls: ActivityCall[] = [];
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) calls.push({ activityType: scheduled, local: false });
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === LOCAL_ACTIVITY_MARKER) {
      const data = marker.details?.data?.payloads?.[0]?.data;
      if (!data) throw new Error('a local activity marker without data');
      const { activity_type } = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string };
      calls.push({ activityType: activity_type, local: true });
    }
  }
  return calls;
}

/** How many times the flow called `activityType` (scheduled or local). */
export function countCalls(history: History, activityType: string): number {
  return activityCalls(history).filter((c) => c.activityType === activityType).length;
}

/** The SDK's marker for patched() / deprecatePatch(). */
const PATCH_MARKER = 'core_patch';

/** The patch ids a flow recorded, in history order (one marker per patch the run passed). */
export function patchMarkers(history: History): string[] {
  const ids: string[] = [];
  for (const event of history.events ?? []) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== PATCH_MARKER) continue;
    const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
    if (!data) throw new Error('a patch marker without data');
    ids.push((JSON.parse(Buffer.from(data).toString('utf8')) as { id: string }).id);
  }
  return ids;
}
