// Listing flows by their search attributes: the one visibility-query builder (the typed client's
// `list`, the API's `GET /flows`, the CLI's `flows list`), one page at a time.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { z } from 'zod';
import {
  CardFlow,
  CardProvider,
  CardRef,
  CardState,
  CustomerRef,
  NotificationKey,
  providerSchema,
  refSchema,
  WORKFLOW_TYPES,
  type WorkflowType,
} from '../contract';

/** What `list` answers per flow (search attributes only: opaque references, no personal data). */
export interface FlowSummary {
  workflowId: string;
  runId: string;
  type: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, ... */
  status: string;
  provider?: string;
  flow?: string;
  state?: string;
  customerRef?: string;
  cardRef?: string;
  startTime: Date;
  closeTime?: Date;
}

/** Temporal's execution statuses as its list queries name them. */
export const EXECUTION_STATUSES = [
  'Running',
  'Completed',
  'Failed',
  'Canceled',
  'Terminated',
  'TimedOut',
] as const;

export const listFilterSchema = z.object({
  provider: providerSchema.optional(),
  flow: z.enum(Object.values(WORKFLOW_TYPES) as [WorkflowType, ...WorkflowType[]]).optional(),
  state: z
    .string()
    .regex(/^[A-Z][A-Z_]{0,63}$/, 'expected a state name such as WAITING_FOR_REVIEW')
    .optional(),
  customerRef: refSchema.optional(),
  cardRef: refSchema.optional(),
  /** Only flows with (true) or without (false) a CardRef. */
  hasCardRef: z.boolean().optional(),
  /** Only running flows (true) or only closed ones (false). */
  running: z.boolean().optional(),
  /** Only flows in this execution status. */
  status: z.enum(EXECUTION_STATUSES).optional(),
  /** Only flows with one of these NotificationKey values (webhook routing). */
  notificationKeys: z
    .array(z.string().regex(/^[a-z-]+:[A-Za-z0-9]{1,128}$/, 'expected a notification key'))
    .min(1)
    .max(16)
    .optional(),
  /** At most this many (default 100). */
  limit: z.number().int().min(1).max(1000).default(100),
});
export type ListFilter = z.input<typeof listFilterSchema>;

/** A filter as `listQuery` takes it (`limit` aside). */
export type ListSelection = Omit<z.output<typeof listFilterSchema>, 'limit'>;

/** A quoted value: schema-checked by `list`, and stripped of quotes for callers that build filters from notifications. */
const quoted = (value: string) => `'${value.replace(/['"\\]/g, '')}'`;

/** The visibility query for a filter. */
export function listQuery(filter: ListSelection): string {
  const parts: string[] = [];
  if (filter.provider) parts.push(`${CardProvider.name} = ${quoted(filter.provider)}`);
  if (filter.flow) parts.push(`${CardFlow.name} = ${quoted(filter.flow)}`);
  if (filter.state) parts.push(`${CardState.name} = ${quoted(filter.state)}`);
  if (filter.customerRef) parts.push(`${CustomerRef.name} = ${quoted(filter.customerRef)}`);
  if (filter.cardRef) parts.push(`${CardRef.name} = ${quoted(filter.cardRef)}`);
  if (filter.hasCardRef !== undefined)
    parts.push(`${CardRef.name} ${filter.hasCardRef ? 'IS NOT NULL' : 'IS NULL'}`);
  if (filter.notificationKeys)
    parts.push(
      `(${filter.notificationKeys.map((k) => `${NotificationKey.name} = ${quoted(k)}`).join(' OR ')})`,
    );
  if (filter.running !== undefined) parts.push(`ExecutionStatus ${filter.running ? '=' : '!='} 'Running'`);
  if (filter.status) parts.push(`ExecutionStatus = ${quoted(filter.status)}`);
  // Only cardflow's flows: those carry CardFlow.
  if (!filter.flow) parts.push(`${CardFlow.name} IS NOT NULL`);
  return parts.join(' AND ');
}

/**
 * The visibility query for one filter, or for flows any of several filters select (one query, so
 * one visibility request: the frontend rate-limits those per namespace).
 */
export function selectionQuery(selection: ListSelection | readonly ListSelection[]): string {
  if (!Array.isArray(selection)) return listQuery(selection as ListSelection);
  if (selection.length === 0) throw new TypeError('selectionQuery: no filter given');
  if (selection.length === 1) return listQuery(selection[0] as ListSelection);
  return selection.map((s) => `(${listQuery(s)})`).join(' OR ');
}

/** WorkflowExecutionStatus 1..7 as the SDK names them (`status.name`). */
const STATUS_NAMES = [
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TERMINATED',
  'CONTINUED_AS_NEW',
  'TIMED_OUT',
];
const time = (ts: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  ts ? new Date(Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)) : undefined;
/** A Keyword search attribute of a raw listing (search attributes are never codec-encoded). */
const keyword = (fields: Record<string, Payload> | null | undefined, name: string): string | undefined => {
  const payload = fields?.[name];
  if (!payload) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined);
};

export interface FlowPage {
  flows: FlowSummary[];
  /** Where the next page starts (the visibility store's page token), when there is one. */
  nextPageToken?: Uint8Array;
}

/** One page of the flows a filter (or any of several) selects. */
export async function listPage(
  client: Client,
  filter: ListSelection | readonly ListSelection[],
  page: { pageSize: number; pageToken?: Uint8Array },
): Promise<FlowPage> {
  const answer = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query: selectionQuery(filter),
    pageSize: page.pageSize,
    ...(page.pageToken ? { nextPageToken: page.pageToken } : {}),
  });
  const flows = (answer.executions ?? []).map((wf): FlowSummary => {
    const sa = wf.searchAttributes?.indexedFields;
    const closeTime = time(wf.closeTime);
    return {
      workflowId: wf.execution?.workflowId ?? '',
      runId: wf.execution?.runId ?? '',
      type: wf.type?.name ?? '',
      status: STATUS_NAMES[(wf.status ?? 0) - 1] ?? 'UNSPECIFIED',
      provider: keyword(sa, CardProvider.name),
      flow: keyword(sa, CardFlow.name),
      state: keyword(sa, CardState.name),
      customerRef: keyword(sa, CustomerRef.name),
      cardRef: keyword(sa, CardRef.name),
      startTime: time(wf.startTime) ?? new Date(0),
      ...(closeTime ? { closeTime } : {}),
    };
  });
  const token = answer.nextPageToken;
  return { flows, ...(token && token.length ? { nextPageToken: token } : {}) };
}

/** Up to `filter.limit` flows, page after page. */
export async function listFlows(
  client: Client,
  filter: z.output<typeof listFilterSchema>,
): Promise<FlowSummary[]> {
  const { limit, ...selection } = filter;
  const out: FlowSummary[] = [];
  let pageToken: Uint8Array | undefined;
  do {
    const page = await listPage(client, selection, {
      pageSize: Math.min(limit - out.length, 100),
      pageToken,
    });
    out.push(...page.flows.slice(0, limit - out.length));
    pageToken = page.nextPageToken;
  } while (pageToken && out.length < limit);
  return out;
}
