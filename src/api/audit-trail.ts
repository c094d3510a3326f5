// The audit trail of the API: every route that changes state declares an action in the route
// table, and each of its requests, answered or refused (401, 403, 400, 409, ...), appends one
// record once the answer is known and before it is sent. A record holds names, ids and codes only:
// the credential's name (never the token), the action, the workflow id (the caller's own
// references; anything in the path that is not a valid workflow id is left out), the status and a
// short code. Bodies, amounts and headers never reach it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../audit/audit-log';
import { workflowIdSchema } from '../contract';
import { isOwnReference } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    /** What a handler tells the trail: the flow concerned and, for webhooks, the outcome. */
    auditNote?: { flowId?: string; code?: string };
  }
}

/** A handler's note for the trail (the workflow id it acted on; a code beyond the status). */
export function noteAudit(request: FastifyRequest, note: { flowId?: string; code?: string }): void {
  request.auditNote = { ...request.auditNote, ...note };
}

const validFlowId = (value: unknown): string | null =>
  typeof value === 'string' && workflowIdSchema.safeParse(value).success && isOwnReference(value)
    ? value
    : null;

/** The `error` code of an error answer, when it is one of the API's plain codes. */
function errorCode(payload: unknown): string {
  if (typeof payload !== 'string') return 'error';
  try {
    const code = (JSON.parse(payload) as { error?: unknown }).error;
    return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? code : 'error';
  } catch {
    return 'error';
  }
}

export function registerAuditTrail(app: FastifyInstance, audit: AuditLog): void {
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const config = request.routeOptions.config;
    const action = config?.action;
    if (!action) return payload;
    const status = reply.statusCode;
    const note = request.auditNote ?? {};
    const params = (request.params ?? {}) as Record<string, unknown>;
    await audit.record({
      at: new Date().toISOString(),
      credential: request.credential?.name ?? config.actor ?? '-',
      action,
      flowId: validFlowId(note.flowId) ?? validFlowId(params.id),
      status,
      code: status < 400 ? (note.code ?? 'ok') : (note.code ?? errorCode(payload)),
      requestId: request.id,
    });
    return payload;
  });
}
