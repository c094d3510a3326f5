// What the chaos suite checks once the lifecycles are over (faults off):
// - every flow ended: no workflow of the run still RUNNING (listed through the Temporal client);
// - no workflow task failed (every history scanned for WorkflowTaskFailed; only the server's own
//   UNHANDLED_COMMAND, a signal racing a task completion, is counted apart as benign: any
//   nondeterminism fails the run);
// - zero duplicate provider effects: one recharge / order / card / holder per flow that asked for it;
// - each sandbox ledger reconciles with what the workflows report, card by card: money settled on
//   the card = deposits reported SETTLED (+ the initial deposit of an issued card); money returned
//   for deposits reported FAILED = their amounts; the close refund (and fee) = what the closure
//   reported; a closed card holds nothing; nothing left in transit or on hold; books balanced;
// - zero canary secrets in any history (as stored), engine log (API, workers, dev server), raw
//   file of the engine's database (the documents, which carry a canary in their bytes, and the
//   audit trail: each table's own file must be among those read) or record of the API's audit
//   trail as its store gives it back (an empty trail is a problem too: the API records every change).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { AuditRecord, AuditStore } from '../../src/audit/audit-record';
import { Decimal } from '../../src/contract/money';
import { IN_TRANSIT_ACCOUNT } from '../sandbox/kazepay/model';
import type { CanarySet } from './canaries';
import type { ChaosStack } from './harness';
import type { FlowOutcome, LifecycleRecord } from './lifecycles';

export interface CheckResults {
  workflows: number;
  running: string[];
  statuses: Record<string, number>;
  workflowTaskFailures: number;
  workflowTaskFailuresBenign: number;
  workflowTaskTimeouts: number;
  activityTimeouts: number;
  duplicates: number;
  ledgerMismatches: number;
  ledgersBalanced: boolean;
  leaks: number;
  /** The scanner found a canary planted on purpose (proves the leak search works). */
  canaryControl: boolean;
  scanned: {
    histories: number;
    historyBytes: number;
    logFiles: number;
    logBytes: number;
    databaseFiles: number;
    databaseBytes: number;
    /** The engine's tables whose data file was among the database files read. */
    databaseTables: string[];
    auditRecords: number;
    auditBytes: number;
  };
  problems: string[];
}

const sum = (values: Array<string | undefined>) =>
  values.reduce((total, v) => total.plus(v ?? '0'), new Decimal(0));

/** Every record of an audit trail, oldest first (what the scan reads; no page limit). */
const wholeAuditTrail = (store: AuditStore): Promise<AuditRecord[]> =>
  store.query({ since: new Date(0), limit: Number.MAX_SAFE_INTEGER });

/** What the checks read: the clients, the sandboxes and the log files (the cluster suite's stack too). */
export type CheckedStack = Pick<
  ChaosStack,
  'client' | 'rawClient' | 'kazepay' | 'wasabi' | 'logFiles' | 'auditStore'
> &
  Partial<Pick<ChaosStack, 'databaseFiles' | 'databaseTableFile'>>;

/** The engine's tables the raw database scan must have read: the documents and the audit trail. */
export const SCANNED_TABLES = ['cardflow_documents', 'cardflow_audit'];

/**
 * What a flow still running waits on: each pending activity with its attempt, state and last
 * failure, so a flow stuck at the end of a run can be told apart from a slow retry schedule.
 */
async function pendingWork(stack: CheckedStack, workflowId: string): Promise<string> {
  try {
    const { raw } = await stack.client.workflow.getHandle(workflowId).describe();
    const pending = (raw.pendingActivities ?? []).map((a) => {
      const failure = a.lastFailure?.message ? `, last failure: ${a.lastFailure.message.slice(0, 160)}` : '';
      return `${a.activityType?.name ?? '?'} attempt ${a.attempt ?? '?'} (${String(a.state ?? '?')}${failure})`;
    });
    return pending.length > 0 ? `; pending: ${pending.join('; ')}` : '; no pending activity';
  } catch (error) {
    return `; describe failed: ${(error as Error).message}`;
  }
}

export async function runChecks(
  stack: CheckedStack,
  records: LifecycleRecord[],
  canaries: CanarySet,
): Promise<CheckResults> {
  const out: CheckResults = {
    workflows: 0,
    running: [],
    statuses: {},
    workflowTaskFailures: 0,
    workflowTaskFailuresBenign: 0,
    workflowTaskTimeouts: 0,
    activityTimeouts: 0,
    duplicates: 0,
    ledgerMismatches: 0,
    ledgersBalanced: false,
    leaks: 0,
    canaryControl: false,
    scanned: {
      histories: 0,
      historyBytes: 0,
      logFiles: 0,
      logBytes: 0,
      databaseFiles: 0,
      databaseBytes: 0,
      databaseTables: [],
      auditRecords: 0,
      auditBytes: 0,
    },
    problems: [],
  };
  const problem = (text: string) => {
    if (out.problems.length < 60) out.problems.push(text);
  };

  // ---- flows and their histories ----------------------------------------------------------------
  const ids: string[] = [];
  for await (const wf of stack.client.workflow.list({ query: 'CardFlow IS NOT NULL' })) {
    ids.push(wf.workflowId);
    out.statuses[wf.status.name] = (out.statuses[wf.status.name] ?? 0) + 1;
    if (wf.status.name === 'RUNNING') out.running.push(wf.workflowId);
  }
  out.workflows = ids.length;
  for (const id of out.running.slice(0, 10)) problem(`still running: ${id}${await pendingWork(stack, id)}`);

  let next = 0;
  const scanHistories = async () => {
    for (;;) {
      const id = ids[next++];
      if (!id) return;
      const history = await stack.rawClient.workflow.getHandle(id).fetchHistory();
      const json = JSON.stringify(historyToJSON(history));
      out.scanned.histories++;
      out.scanned.historyBytes += json.length;
      for (const event of history.events ?? []) {
        const failed = event.workflowTaskFailedEventAttributes;
        if (failed) {
          // 1 = UNHANDLED_COMMAND: a signal arrived while the task completed; the server retries.
          if (failed.cause === 1) out.workflowTaskFailuresBenign++;
          else {
            out.workflowTaskFailures++;
            problem(`workflow task failed in ${id}: cause ${failed.cause} ${failed.failure?.message ?? ''}`);
          }
        }
        if (event.workflowTaskTimedOutEventAttributes) out.workflowTaskTimeouts++;
        if (event.activityTaskTimedOutEventAttributes) out.activityTimeouts++;
      }
      const found = canaries.scanStored(json);
      for (const label of found) problem(`canary "${label}" in the history of ${id}`);
      out.leaks += found.length;
    }
  };
  await Promise.all(Array.from({ length: 6 }, scanHistories));

  // ---- logs -------------------------------------------------------------------------------------
  for (const file of stack.logFiles()) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    out.scanned.logFiles++;
    out.scanned.logBytes += text.length;
    const found = canaries.scanPlain(text);
    for (const label of found) problem(`canary "${label}" in ${basename(file)}`);
    out.leaks += found.length;
  }
  // ---- the engine's database (documents, audit trail), byte for byte -------------------------------
  if (stack.databaseFiles && stack.databaseTableFile) {
    const read = new Set<string>();
    for (const file of await stack.databaseFiles()) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue; // removed meanwhile (a WAL segment recycled)
      }
      read.add(file);
      out.scanned.databaseFiles++;
      out.scanned.databaseBytes += bytes.length;
      const found = canaries.scanStored(bytes.toString('latin1'));
      for (const label of found) problem(`canary "${label}" in the database (${basename(file)})`);
      out.leaks += found.length;
    }
    for (const table of SCANNED_TABLES) {
      if (read.has(await stack.databaseTableFile(table))) out.scanned.databaseTables.push(table);
      else problem(`the database scan did not read the table ${table}`);
    }
  }
  // ---- the audit trail, every record as the store gives it back ------------------------------------
  const auditRecords = await wholeAuditTrail(stack.auditStore);
  const auditText = auditRecords.map((r) => JSON.stringify(r)).join('\n');
  out.scanned.auditRecords = auditRecords.length;
  out.scanned.auditBytes = auditText.length;
  const foundInAudit = canaries.scanStored(auditText);
  for (const label of foundInAudit) problem(`canary "${label}" in the audit trail`);
  out.leaks += foundInAudit.length;
  if (out.scanned.auditRecords === 0) problem('the audit trail is empty: no state change was recorded');
  out.canaryControl = canaries.scanStored(`{"x":"${canaries.sample()}"}`).length > 0;
  if (!out.canaryControl) problem('the canary scanner missed a planted canary');

  // ---- provider effects and money ---------------------------------------------------------------
  reconcileKazepay(stack, records, out, problem);
  reconcileWasabi(stack, records, out, problem);
  const kazepayLedger = stack.kazepay.control.ledger.snapshot();
  const wasabiLedger = stack.wasabi.control.ledgerSnapshot();
  out.ledgersBalanced = kazepayLedger.balanced && wasabiLedger.balanced;
  if (!out.ledgersBalanced) {
    out.ledgerMismatches++;
    problem('a sandbox ledger does not balance');
  }
  for (const [name, snapshot] of [
    ['KazePay', kazepayLedger],
    ['WasabiCard', wasabiLedger],
  ] as const)
    for (const [account, { balance }] of Object.entries(snapshot.accounts))
      if ((account.startsWith('hold:') || account === IN_TRANSIT_ACCOUNT) && !new Decimal(balance).isZero()) {
        out.ledgerMismatches++;
        problem(`${name}: ${balance} left in ${account}`);
      }
  return out;
}

const flowsOf = (record: LifecycleRecord, type: string): FlowOutcome[] =>
  record.flows.filter((f) => f.type === type);
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

function reconcileKazepay(
  stack: CheckedStack,
  records: LifecycleRecord[],
  out: CheckResults,
  problem: (text: string) => void,
): void {
  const { state, ledger } = stack.kazepay.control;
  for (const record of records.filter((r) => r.provider === 'kazepay' && r.cardRef)) {
    const cardID = record.cardRef as string;
    const account = `card:${cardID}`;
    const deposits = flowsOf(record, 'cardDeposit');
    const recharges = state.transactions.filter((t) => t.cardID === cardID && t.kind === 'recharge');
    const closes = state.transactions.filter((t) => t.cardID === cardID && t.kind === 'close_refund');
    if (recharges.length > deposits.length) {
      out.duplicates += recharges.length - deposits.length;
      problem(`KazePay card ${cardID}: ${recharges.length} recharges for ${deposits.length} deposit flow(s)`);
    }
    if (closes.length > flowsOf(record, 'cardClosure').length) {
      out.duplicates += closes.length - flowsOf(record, 'cardClosure').length;
      problem(`KazePay card ${cardID}: ${closes.length} closes`);
    }
    const mismatch = (what: string, ledgerSide: Decimal, reported: Decimal) => {
      if (ledgerSide.eq(reported)) return;
      out.ledgerMismatches++;
      problem(
        `KazePay card ${cardID}: ${what}: ledger ${ledgerSide.toFixed()} vs flows ${reported.toFixed()}`,
      );
    };
    const txnIds = new Set(recharges.map((t) => t.transactionId));
    const entries = ledger.entries().filter((e) => txnIds.has(e.ref));
    mismatch(
      'settled deposits',
      sum(entries.filter((e) => e.kind === 'recharge_settled').map((e) => e.amount)),
      sum(deposits.filter((d) => d.outcome === 'SETTLED').map((d) => str(d.result.amount))),
    );
    mismatch(
      'failed deposits returned',
      sum(entries.filter((e) => e.kind === 'recharge_refund').map((e) => e.amount)),
      sum(deposits.filter((d) => d.outcome === 'FAILED').map((d) => str(d.result.amount))),
    );
    for (const d of deposits.filter((f) => f.result.providerTransactionId))
      if (!txnIds.has(String(d.result.providerTransactionId))) {
        out.ledgerMismatches++;
        problem(
          `KazePay card ${cardID}: ${d.workflowId} reports transaction ${String(d.result.providerTransactionId)}, unknown to the provider`,
        );
      }
    const closure = flowsOf(record, 'cardClosure').find((c) => c.outcome === 'CLOSED');
    if (closure) {
      const closeIds = new Set(closes.map((t) => t.transactionId));
      mismatch(
        'close refund',
        sum(
          ledger
            .entries()
            .filter((e) => e.kind === 'close' && closeIds.has(e.ref))
            .map((e) => e.amount),
        ),
        new Decimal(str(closure.result.refundAmount) ?? '0'),
      );
      mismatch('balance of the closed card', new Decimal(ledger.balance(account)), new Decimal(0));
    }
  }
}

function reconcileWasabi(
  stack: CheckedStack,
  records: LifecycleRecord[],
  out: CheckResults,
  problem: (text: string) => void,
): void {
  const { ledger } = stack.wasabi.control;
  const snapshot = stack.wasabi.control.state();
  const orders = snapshot.orders as Array<Record<string, unknown>>;
  const byMerchantOrderNo = new Map<string, number>();
  for (const o of orders)
    byMerchantOrderNo.set(
      String(o.merchantOrderNo),
      (byMerchantOrderNo.get(String(o.merchantOrderNo)) ?? 0) + 1,
    );
  for (const [key, count] of byMerchantOrderNo)
    if (count > 1 && !orders.some((o) => o.merchantOrderNo === key && o.type === 'create')) {
      out.duplicates += count - 1;
      problem(`WasabiCard: ${count} orders for merchantOrderNo ${key}`);
    }
  const wasabiRecords = records.filter((r) => r.provider === 'wasabi');
  const holdersAsked = wasabiRecords.filter((r) => r.flows.some((f) => f.type === 'kycVerification')).length;
  if (snapshot.holders.length > holdersAsked) {
    out.duplicates += snapshot.holders.length - holdersAsked;
    problem(`WasabiCard: ${snapshot.holders.length} cardholders for ${holdersAsked} KYC flows`);
  }

  for (const record of wasabiRecords) {
    const holderId = str(flowsOf(record, 'kycVerification')[0]?.result.holderId);
    if (holderId) {
      const cards = snapshot.cards.filter((c) => c.holderId === holderId);
      const issuances = flowsOf(record, 'virtualCardIssuance').length;
      if (cards.length > Math.max(issuances, 1)) {
        out.duplicates += cards.length - Math.max(issuances, 1);
        problem(`WasabiCard holder ${holderId}: ${cards.length} cards for ${issuances} issuance flow(s)`);
      }
    }
    if (!record.cardRef) continue;
    const cardNo = record.cardRef;
    const account = `card:${cardNo}`;
    const cardOrders = orders.filter((o) => o.cardNo === cardNo);
    const deposits = flowsOf(record, 'cardDeposit');
    const depositOrders = cardOrders.filter((o) => o.type === 'deposit');
    if (depositOrders.length > deposits.length) {
      out.duplicates += depositOrders.length - deposits.length;
      problem(
        `WasabiCard card ${cardNo}: ${depositOrders.length} deposit orders for ${deposits.length} flow(s)`,
      );
    }
    const cancelOrders = cardOrders.filter((o) => o.type === 'cancel');
    if (cancelOrders.length > flowsOf(record, 'cardClosure').length) {
      out.duplicates += cancelOrders.length - flowsOf(record, 'cardClosure').length;
      problem(`WasabiCard card ${cardNo}: ${cancelOrders.length} cancel orders`);
    }
    const mismatch = (what: string, ledgerSide: Decimal, reported: Decimal) => {
      if (ledgerSide.eq(reported)) return;
      out.ledgerMismatches++;
      problem(
        `WasabiCard card ${cardNo}: ${what}: ledger ${ledgerSide.toFixed()} vs flows ${reported.toFixed()}`,
      );
    };
    const issued = flowsOf(record, 'virtualCardIssuance').find((f) => f.outcome === 'ISSUED');
    mismatch(
      'money settled on the card',
      sum(
        ledger
          .entries({ account })
          .filter((e) => e.to === account && e.kind === 'card_deposit_settle')
          .map((e) => e.amount),
      ),
      sum([
        str(issued?.result.amount),
        ...deposits
          .filter((d) => d.outcome === 'SETTLED')
          .map((d) => str(d.result.receivedAmount) ?? str(d.result.amount)),
      ]),
    );
    for (const d of deposits.filter((f) => f.outcome === 'FAILED')) {
      const orderNo = str(d.result.providerTransactionId);
      const order = orders.find((o) => o.orderNo === orderNo);
      if (!order || order.status !== 'fail') {
        out.ledgerMismatches++;
        problem(
          `WasabiCard card ${cardNo}: ${d.workflowId} reports FAILED, the order is ${String(order?.status)}`,
        );
      }
    }
    const closure = flowsOf(record, 'cardClosure').find((c) => c.outcome === 'CLOSED');
    if (closure) {
      const orderNo = str(closure.result.providerTransactionId);
      const entries = ledger.entries({ ref: orderNo ?? '-' });
      mismatch(
        'close refund',
        sum(entries.filter((e) => e.kind === 'card_cancel').map((e) => e.amount)),
        new Decimal(str(closure.result.refundAmount) ?? '0'),
      );
      mismatch(
        'close fee',
        sum(entries.filter((e) => e.kind === 'card_fee').map((e) => e.amount)),
        new Decimal(str(closure.result.fee) ?? '0'),
      );
      mismatch('balance of the closed card', new Decimal(ledger.balance(account)), new Decimal(0));
    }
  }
}
