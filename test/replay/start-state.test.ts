// The flows with a fixed first state (src/contract/initial-states.ts) are started by every door
// with that state as their CardState (src/client/start-attributes.ts), and their FlowTracker then
// skips its first CardState upsert. Replay covers that path only if a recorded history has it: for
// each of these workflow types, at least one history whose WorkflowExecutionStarted event carries
// the CardState and whose first workflow task upserts no CardState.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { CardState, INITIAL_STATES } from '../../src/contract';
import { loadHistories } from './histories';

/** The recording tag of the histories started as the typed client starts them (docs/replay.md). */
const TAG = 'start-state';
const { EventType } = temporal.api.enums.v1;
type Event = temporal.api.history.v1.IHistoryEvent;

const cardStateIn = (fields: Record<string, Payload> | null | undefined): unknown => {
  const payload = fields?.[CardState.name];
  return payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
};

/** The events the first completed workflow task recorded: its commands, up to the next task. */
function firstTaskCommands(events: Event[]): Event[] {
  const done = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  if (done < 0) return [];
  const rest = events.slice(done + 1);
  const next = rest.findIndex(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED ||
      e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED ||
      e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  );
  return next < 0 ? rest : rest.slice(0, next);
}

/** The CardState a history started with, and the CardStates its first workflow task upserted. */
function cardStatesOf(history: unknown): { atStart: unknown; firstTask: unknown[] } {
  const events = historyFromJSON(history).events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const fieldsOf = (e: Event) =>
    e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields as Record<
      string,
      Payload
    >;
  return {
    atStart: cardStateIn(started?.searchAttributes?.indexedFields as Record<string, Payload>),
    firstTask: firstTaskCommands(events)
      .map((e) => cardStateIn(fieldsOf(e)))
      .filter((state) => state !== undefined),
  };
}

test('each flow with a fixed first state has a recorded history started with it, its first upsert skipped', () => {
  const histories = loadHistories();
  const missing: string[] = [];
  const wrong: string[] = [];
  for (const [type, initial] of Object.entries(INITIAL_STATES)) {
    const ofType = histories.filter((h) => h.workflowType === type);
    // The skip path alone: started in its first state, and nothing in the first task sets CardState.
    const skipping = ofType.filter((h) => {
      const { atStart, firstTask } = cardStatesOf(h.history);
      return atStart === initial && firstTask.length === 0;
    });
    console.log(
      `  ${type}: ${skipping.length} of ${ofType.length} histories start with CardState ${initial} and upsert none in their first task`,
    );
    if (skipping.length === 0) missing.push(type);
    // Each recording made for this path shows it, even where the first task moves on to another
    // state (a KYC with documents begins uploading at once): started in the first state, which
    // is not upserted again.
    for (const h of ofType.filter((h) => h.name.replace(/(\.run\d+)?\.json$/, '').endsWith(`.${TAG}`))) {
      const { atStart, firstTask } = cardStatesOf(h.history);
      if (atStart !== initial)
        wrong.push(`${h.name}: started with CardState ${JSON.stringify(atStart)}, not ${initial}`);
      else if (firstTask.includes(initial))
        wrong.push(`${h.name}: its first task upserts CardState ${initial} again`);
    }
  }
  assert.deepEqual(wrong, [], `recordings tagged .${TAG} that do not start with their first CardState`);
  assert.deepEqual(
    missing,
    [],
    `no history records the start with CardState (skipped first upsert) for: ${missing.join(', ')}; ` +
      `record them: npm run histories:record -- --as ${TAG} ${missing.map((t) => `--type ${t}`).join(' ')}`,
  );
});
