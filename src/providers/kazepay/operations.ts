// Every KazePay U-Card operation the client speaks (spec §0.3): its apiCode, request and response
// schemas, and what a failure after the request left means for it.
//
// `effect` decides how an HTTP 5xx is reported. KazePay takes no merchant idempotency key
// (spec §0.5), so for an operation that moves money or changes state a 5xx that came back after
// the request was sent does not prove the provider did nothing: it may have applied the change
// and failed afterwards. Those operations ('state-change') report a 5xx as ProviderAmbiguousError,
// which forces the caller to reconcile by reading state before trying again. Reads, and writes
// that are harmless to repeat ('idempotent'), report a 5xx as ProviderRetryableError.
import type { z } from 'zod';
import * as s from './schemas';

export type OperationEffect = 'read' | 'idempotent' | 'state-change';

export interface OperationSpec {
  apiCode: string;
  request: z.ZodType;
  response: z.ZodType;
  effect: OperationEffect;
  /** fileUpload travels as multipart/form-data. */
  multipart?: boolean;
}

function op<Req extends z.ZodType, Res extends z.ZodType>(
  apiCode: string,
  request: Req,
  response: Res,
  effect: OperationEffect,
  multipart = false,
) {
  return { apiCode, request, response, effect, multipart };
}

export const KAZEPAY_OPERATIONS = {
  /** Uploading the same image twice creates a second file id and nothing else: safe to repeat. */
  fileUpload: op('fileUpload', s.fileUploadRequest, s.fileUploadResponse, 'idempotent', true),
  setUcardKyc: op('setUcardKyc', s.setUcardKycRequest, s.kycStatusResponse, 'state-change'),
  /** Deprecated variant of setUcardKyc (same apiCode) with the images inline as base64. */
  setUcardKycBase64: op('setUcardKyc', s.setUcardKycBase64Request, s.kycStatusResponse, 'state-change'),
  setUserKyc: op('setUserKyc', s.setUserKycRequest, s.setUserKycResponse, 'state-change'),
  queryUcardKycStatus: op('queryUcardKycStatus', s.queryUcardKycStatusRequest, s.kycStatusResponse, 'read'),
  ucardAssign: op('ucardAssign', s.ucardAssignRequest, s.ucardAssignResponse, 'state-change'),
  ucardActive: op('ucardActive', s.ucardActiveRequest, s.ucardActiveResponse, 'state-change'),
  cardSetPin: op('cardSetPin', s.cardSetPinRequest, s.resultOnlyResponse, 'state-change'),
  queryCard: op('queryCard', s.cardIdRequest, s.queryCardResponse, 'read'),
  cardBalance: op('cardBalance', s.cardBalanceRequest, s.cardBalanceResponse, 'read'),
  cardRecharge: op('cardRecharge', s.cardRechargeRequest, s.cardRechargeResponse, 'state-change'),
  queryTransactions: op('queryTransactions', s.queryTransactionsRequest, s.queryTransactionsResponse, 'read'),
  updCardStatus: op('updCardStatus', s.updCardStatusRequest, s.updCardStatusResponse, 'state-change'),
  closeCard: op('closeCard', s.cardIdRequest, s.closeCardResponse, 'state-change'),
  getCardId: op('getCardId', s.getCardIdRequest, s.getCardIdResponse, 'read'),
  /** Setting the same URL again changes nothing: safe to repeat. */
  setWebhookUrl: op('setWebhookUrl', s.setWebhookUrlRequest, s.webhookUrlResponse, 'idempotent'),
  getWebhookUrl: op('getWebhookUrl', s.emptyRequest, s.webhookUrlResponse, 'read'),
  /** Virtual cards (optional for the engine; doc.kazepay.io/doc-4790657). */
  createCard: op('createCard', s.createCardRequest, s.createCardResponse, 'state-change'),
  createCardQuery: op('createCardQuery', s.cardIdRequest, s.createCardQueryResponse, 'read'),
} as const;

export type OperationName = keyof typeof KAZEPAY_OPERATIONS;
export type OperationInput<N extends OperationName> = z.input<(typeof KAZEPAY_OPERATIONS)[N]['request']>;
export type OperationRequest<N extends OperationName> = z.output<(typeof KAZEPAY_OPERATIONS)[N]['request']>;
export type OperationResult<N extends OperationName> = z.output<(typeof KAZEPAY_OPERATIONS)[N]['response']>;

/** The operation spec for an apiCode (the base64 KYC variant is only reachable by name). */
export function operationForApiCode(apiCode: string): OperationName | undefined {
  return (Object.keys(KAZEPAY_OPERATIONS) as OperationName[]).find(
    (name) => name !== 'setUcardKycBase64' && KAZEPAY_OPERATIONS[name].apiCode === apiCode,
  );
}
