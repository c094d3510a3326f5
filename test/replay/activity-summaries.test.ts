// Every activity a flow schedules says what it does for that flow (its summary, which the Web UI's
// Timeline shows as the activity's label), stored encrypted and free of personal data. Checked on
// the histories recorded since activities carry summaries (`<scenario>.activity-summaries.json`,
// one for every recorded scenario, so every workflow type and path is covered; and the later tags,
// recorded by code that already set summaries).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, ENCRYPTED_ENCODING } from '../../src/security/payload-codec';
import { applicant } from '../helpers/lifecycle-env';
import { testOnlyKeyring } from '../helpers/test-data-converter';
import { loadHistories } from './histories';

/** The recording tag of the histories whose commands carry summaries (docs/replay.md). */
const TAG = 'activity-summaries';
/** Tags recorded later, by code whose activities already had summaries: checked the same way. */
const LATER_TAGS = ['start-state'];
const stem = (name: string) => name.replace(/(\.run\d+)?\.json$/, '');
const withSummaries = (s: string) => [TAG, ...LATER_TAGS].some((tag) => s.endsWith(`.${tag}`));
const histories = loadHistories();
const tagged = histories.filter((h) => withSummaries(stem(h.name)));

/** What a summary must never hold: the recorded applicants' details and the PINs the scenarios set. */
const person = applicant('summary-check');
const PERSONAL = [
  person.firstName,
  person.lastName,
  person.dateOfBirth,
  person.address.line,
  person.address.city,
  person.address.postCode,
  person.identification.number,
  person.mobile.number,
  '@', // any email
  '739418', // test/replay/scenarios.ts: the PINs set by activation scenarios
  '582937',
];

test('every recorded scenario has a recording whose activities carry summaries', () => {
  const stems = new Set(histories.map((h) => stem(h.name)));
  const missing = [...stems].filter((s) => !withSummaries(s) && !stems.has(`${s}.${TAG}`));
  assert.deepEqual(missing, [], `record them: npm run histories:record -- --as ${TAG}`);
});

test('each scheduled activity has a summary: encrypted at rest, decoded it names the step, no personal data', async () => {
  assert.ok(tagged.length > 0, `no history recorded as .${TAG}`);
  const codec = new EncryptionCodec(testOnlyKeyring());
  const problems: string[] = [];
  let checked = 0;
  for (const { name, history } of tagged) {
    for (const event of historyFromJSON(history).events ?? []) {
      const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (!activity) continue;
      checked++;
      const where = `${name} event ${String(event.eventId)} ${activity}`;
      const stored = event.userMetadata?.summary as Payload | undefined;
      if (!stored?.data?.length) {
        problems.push(`${where}: no summary`);
        continue;
      }
      if (Buffer.from(stored.metadata?.encoding ?? []).toString() !== ENCRYPTED_ENCODING)
        problems.push(`${where}: summary stored unencrypted`);
      const [decoded] = await codec.decode([stored]);
      const summary = defaultPayloadConverter.fromPayload<string>(decoded!);
      if (typeof summary !== 'string' || summary.trim().length < 10)
        problems.push(`${where}: summary ${JSON.stringify(summary)} says nothing`);
      const leaked = PERSONAL.filter((value) => summary.includes(value));
      if (leaked.length > 0) problems.push(`${where}: summary "${summary}" holds personal data`);
    }
  }
  assert.ok(checked > 100, `activities checked: ${checked}`);
  assert.deepEqual(problems, []);
});
