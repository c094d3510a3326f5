// The WasabiCard sandbox's request handlers by path: each validates its body like the provider and
// calls the domain module that owns the operation; answers are plain data for server.ts to wrap.
import { accountLedger, createAccount, listAccounts, transfer } from './accounts';
import { cardTypesV1, cardTypesV2, openCard, purchaseLog } from './card-opening';
import { activateCard, cancel, deposit, freezeV1, freezeV2, updatePin, withdraw } from './card-orders';
import { listCards, sensitiveInfo } from './card-reads';
import { createHolder, listHolders, updateEmail, updateHolder } from './cardholders';
import type { EngineContext } from './context';
import { check, findAccount, findCard } from './guards';
import { orderLog } from './order-lifecycle';
import { SANDBOX_PATHS } from './paths';
import { CITIES, MOBILE_AREA_CODES, OCCUPATIONS, REGIONS } from './reference-data';
import * as rules from './request-rules';
import * as seed from './seed-rules';
import { listAuthFees, listAuths, simulateAuth } from './spend';
import { list3ds } from './three-ds';
import { balanceInfo, wireAccount, wireCard, wireHolderResult, wireOrder } from './wire-views';

export type Handler = (params: Record<string, unknown>) => unknown;

export function createHandlers(ctx: EngineContext): Record<string, Handler> {
  const order = (o: Parameters<typeof wireOrder>[1]) => wireOrder(ctx, o);
  return {
    [SANDBOX_PATHS.cardTypesV2]: () => cardTypesV2(ctx),
    [SANDBOX_PATHS.cardTypesV1]: () => cardTypesV1(ctx),
    [SANDBOX_PATHS.openCard]: (p) => [order(openCard(ctx, p, 'v1'))],
    [SANDBOX_PATHS.createCardV2]: (p) => order(openCard(ctx, p, 'v2')),
    [SANDBOX_PATHS.cardInfo]: (p) => {
      const { cardNo, onlySimpleInfo } = check(seed.cardInfo, p);
      return wireCard(ctx, findCard(ctx, cardNo), onlySimpleInfo ?? true);
    },
    [SANDBOX_PATHS.sensitive]: (p) => sensitiveInfo(ctx, findCard(ctx, check(rules.sensitive, p).cardNo)),
    [SANDBOX_PATHS.balance]: (p) => balanceInfo(ctx, findCard(ctx, check(seed.cardNoOnly, p).cardNo)),
    [SANDBOX_PATHS.cardList]: (p) => listCards(ctx, check(rules.cardList, p)),
    [SANDBOX_PATHS.freezeV1]: (p) => freezeV1(ctx, check(seed.cardNoOnly, p).cardNo, true),
    [SANDBOX_PATHS.unfreezeV1]: (p) => freezeV1(ctx, check(seed.cardNoOnly, p).cardNo, false),
    [SANDBOX_PATHS.freezeV2]: (p) => order(freezeV2(ctx, check(seed.freezeV2, p), true)),
    [SANDBOX_PATHS.unfreezeV2]: (p) => order(freezeV2(ctx, check(seed.freezeV2, p), false)),
    [SANDBOX_PATHS.deposit]: (p) => order(deposit(ctx, check(seed.deposit, p))),
    [SANDBOX_PATHS.withdraw]: (p) => order(withdraw(ctx, check(rules.withdraw, p))),
    [SANDBOX_PATHS.cancel]: (p) => order(cancel(ctx, check(rules.cancel, p))),
    [SANDBOX_PATHS.activeCard]: (p) => {
      const o = activateCard(ctx, check(rules.activeCard, p));
      return {
        merchantOrderNo: o.merchantOrderNo,
        cardNo: o.cardNo,
        orderNo: o.orderNo,
        type: o.type,
        status: o.status,
        remark: o.remark,
      };
    },
    [SANDBOX_PATHS.updatePin]: (p) => order(updatePin(ctx, check(rules.updatePin, p))),
    [SANDBOX_PATHS.transactionV1]: (p) => orderLog(ctx, check(seed.cardTransaction, p), 'v1'),
    [SANDBOX_PATHS.transactionV2]: (p) => orderLog(ctx, check(rules.transactionV2, p), 'v2'),
    [SANDBOX_PATHS.authTransaction]: (p) => listAuths(ctx, check(seed.authTransaction, p)),
    [SANDBOX_PATHS.authFeeTransaction]: (p) => listAuthFees(ctx, check(rules.authFeeTransaction, p)),
    [SANDBOX_PATHS.third3dsTransaction]: (p) => list3ds(ctx, check(seed.threeDsTransaction, p)),
    [SANDBOX_PATHS.simulateAuth]: (p) => {
      simulateAuth(ctx, check(rules.simulateAuth, p));
      return {};
    },
    [SANDBOX_PATHS.holderOccupations]: () => OCCUPATIONS,
    [SANDBOX_PATHS.holderCreateV2]: (p) => wireHolderResult(createHolder(ctx, check(rules.holderCreate, p))),
    [SANDBOX_PATHS.holderUpdateV2]: (p) => wireHolderResult(updateHolder(ctx, check(rules.holderUpdate, p))),
    [SANDBOX_PATHS.holderQuery]: (p) => listHolders(ctx, check(rules.holderQuery, p)),
    [SANDBOX_PATHS.holderUpdateEmail]: (p) => updateEmail(ctx, check(rules.holderUpdateEmail, p)),
    [SANDBOX_PATHS.accountInfo]: () => [...ctx.accounts.values()].map((a) => wireAccount(ctx, a)),
    [SANDBOX_PATHS.accountList]: (p) => listAccounts(ctx, check(rules.accountList, p)),
    [SANDBOX_PATHS.accountQuery]: (p) =>
      wireAccount(ctx, findAccount(ctx, check(rules.accountQuery, p).accountId)),
    [SANDBOX_PATHS.accountCreate]: (p) => createAccount(ctx, check(rules.accountCreate, p)),
    [SANDBOX_PATHS.accountTransfer]: (p) => transfer(ctx, check(rules.accountTransfer, p)),
    [SANDBOX_PATHS.purchaseTransaction]: (p) => purchaseLog(ctx, check(rules.purchaseTransaction, p)),
    [SANDBOX_PATHS.accountTransaction]: (p) => accountLedger(ctx, check(rules.accountTransaction, p)),
    [SANDBOX_PATHS.regions]: () => REGIONS,
    [SANDBOX_PATHS.cities]: (p) => {
      const q = check(rules.city, p);
      return CITIES.filter((c) => q.regionCode === undefined || c.country === q.regionCode);
    },
    [SANDBOX_PATHS.mobileAreaCodes]: () => MOBILE_AREA_CODES,
  };
}
