// Routes that send a running flow an update: activation code, PIN, KYC resubmission, an operator's resolution.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { activationCodeSchema, kycResubmissionSchema, outcomeResolutionSchema } from '../../contract';
import type { ApiContext } from '../api-context';
import { parseOr400 } from '../errors';
import { flowIdParams as idParams, pinSchema } from '../flows';
import { responseSchemas as R } from '../openapi';

const codeBody = activationCodeSchema.extend({ pin: pinSchema.optional() });
const pinBody = z.object({ pin: pinSchema });
const UPDATE_RESPONSES = { 200: R.updateResult, 404: 'error', 409: 'error', 422: 'error' } as const;

export async function messageRoutes(app: FastifyInstance, { table, flows }: ApiContext): Promise<void> {
  table.define(
    app,
    {
      method: 'POST',
      path: '/flows/:id/activation-code',
      summary: 'submitActivationCode (with the PIN for WasabiCard, or to set it)',
      tag: 'messages',
      scope: 'flows:write',
      action: 'flow.activation-code',
      params: idParams,
      body: codeBody,
      responses: { ...UPDATE_RESPONSES },
    },
    async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      const body = parseOr400(codeBody, request.body, 'body');
      const activation = flows.cardflow.byId(flows.idOfType(id, 'physicalCardActivation'));
      return flows.message(id, async () => {
        if (body.pin) await flows.providePin(id, body.pin);
        return activation.submitActivationCode(body.code);
      });
    },
  );
  table.define(
    app,
    {
      method: 'POST',
      path: '/flows/:id/resolve-outcome',
      summary:
        'resolveOutcome: an operator answers a flow in NEEDS_RECONCILIATION (applied, with the transaction id, or not applied)',
      tag: 'messages',
      scope: 'outcomes:resolve',
      action: 'flow.resolve-outcome',
      params: idParams,
      body: outcomeResolutionSchema,
      responses: { ...UPDATE_RESPONSES },
    },
    async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      const body = parseOr400(outcomeResolutionSchema, request.body, 'body');
      return flows.message(id, () => flows.cardflow.resolveOutcome(id, body));
    },
  );
  table.define(
    app,
    {
      method: 'POST',
      path: '/flows/:id/pin',
      summary: 'providePin: the API stores the PIN and sends a handle',
      tag: 'messages',
      scope: 'flows:write',
      action: 'flow.pin',
      params: idParams,
      body: pinBody,
      responses: { ...UPDATE_RESPONSES },
    },
    async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      const body = parseOr400(pinBody, request.body, 'body');
      flows.idOfType(id, 'physicalCardActivation');
      return flows.message(id, () => flows.providePin(id, body.pin));
    },
  );
  table.define(
    app,
    {
      method: 'POST',
      path: '/flows/:id/kyc-resubmission',
      summary: 'resubmitKyc after a WasabiCard rejection',
      tag: 'messages',
      scope: 'flows:write',
      action: 'flow.kyc-resubmission',
      params: idParams,
      body: kycResubmissionSchema,
      responses: { ...UPDATE_RESPONSES },
    },
    async (request) => {
      const { id } = parseOr400(idParams, request.params, 'params');
      const body = parseOr400(kycResubmissionSchema, request.body, 'body');
      await flows.assertDocumentsStored(body.documents, 'body.documents');
      const kyc = flows.cardflow.byId(flows.idOfType(id, 'kycVerification'));
      return flows.message(id, () => kyc.resubmitKyc(body));
    },
  );
}
