// Which state method answers which KazePay operation, once the gateway has opened, checked and
// validated the request (server.ts). fileUpload is answered with its file by the gateway itself.
import type { SandboxOperation } from './schemas';
import type { KazepayState } from './state';

export type Handler = (state: KazepayState, request: never) => unknown;

/** Which state method answers which operation. */
export const HANDLERS: Record<SandboxOperation, Handler> = {
  fileUpload: () => undefined, // handled with the file, below
  setUcardKyc: (s, r) => s.setUcardKyc(r),
  setUcardKycBase64: (s, r) => s.setUcardKycBase64(r),
  setUserKyc: (s, r) => s.setUserKyc(r),
  queryUcardKycStatus: (s, r) => s.queryUcardKycStatus(r),
  ucardAssign: (s, r) => s.ucardAssign(r),
  ucardActive: (s, r) => s.ucardActive(r),
  cardSetPin: (s, r) => s.cardSetPin(r),
  queryCard: (s, r) => s.queryCard(r),
  cardBalance: (s, r) => s.cardBalance(r),
  cardRecharge: (s, r) => s.cardRecharge(r),
  queryTransactions: (s, r) => s.queryTransactions(r),
  updCardStatus: (s, r) => s.updCardStatus(r),
  closeCard: (s, r) => s.closeCard(r),
  getCardId: (s, r) => s.getCardId(r),
  setWebhookUrl: (s, r: { url: string }) => {
    s.webhookUrl = r.url;
    return { encrypt: 'SUCCESS', url: r.url };
  },
  getWebhookUrl: (s) => ({ encrypt: 'SUCCESS', url: s.webhookUrl ?? '' }),
  createCard: (s, r) => s.createCard(r),
  createCardQuery: (s, r) => s.createCardQuery(r),
};
