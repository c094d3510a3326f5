// Which flows the API's router signals (src/api/webhooks.ts), over a stand-in visibility store:
// a WasabiCard card order reaches the issuance by its order key, and a KazePay card notification no
// flow carries yet (the store has not caught up with the activation's CardRef) reaches the KazePay
// activations that have no card, at most ASSIGNING_CAP of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CardflowClient } from '../../../src/client';
import type { ListSelection } from '../../../src/client/listing';
import { wasabiOrderNotificationKey } from '../../../src/client/notification-keys';
import { kazepayTarget, wasabiTarget } from '../../../src/api/webhook-targets';
import { ASSIGNING_CAP, NotificationRouter } from '../../../src/api/webhooks';
import { createLogger } from '../../../src/logging/logger';

interface Row {
  workflowId: string;
  flow: string;
  provider: string;
  cardRef?: string;
  notificationKey?: string;
}

const selects = (s: ListSelection, r: Row) =>
  (!s.provider || r.provider === s.provider) &&
  (!s.flow || r.flow === s.flow) &&
  (!s.cardRef || r.cardRef === s.cardRef) &&
  (s.hasCardRef === undefined || (r.cardRef !== undefined) === s.hasCardRef) &&
  (!s.notificationKeys || s.notificationKeys.includes(r.notificationKey ?? ''));

/**
 * A router over `rows` (all running); answers it, the workflow ids each signal went to, and the
 * visibility queries made (one per `listPage`; a list of filters is one query selecting any).
 */
function routerOver(rows: Row[]) {
  const signalled: string[] = [];
  const queries: ListSelection[][] = [];
  const stand = {
    listPage: async (s: ListSelection | ListSelection[], page: { pageSize: number }) => {
      const any = Array.isArray(s) ? s : [s];
      queries.push(any);
      return {
        flows: rows
          .filter((r) => any.some((one) => selects(one, r)))
          .slice(0, page.pageSize)
          .map((r) => ({ workflowId: r.workflowId })),
      };
    },
    byId: (id: string) => ({ providerNotification: async () => void signalled.push(id) }),
  };
  const router = new NotificationRouter(
    stand as unknown as CardflowClient,
    createLogger({ level: 'silent' }),
    undefined,
  );
  return { router, signalled, queries };
}

const activation = (n: number, cardRef?: string): Row => ({
  workflowId: `activation:kazepay:c${n}:r${n}`,
  flow: 'physicalCardActivation',
  provider: 'kazepay',
  ...(cardRef ? { cardRef } : {}),
});

test('a KazePay card notification no flow carries yet reaches the activations without a card', async () => {
  const { router, signalled } = routerOver([
    activation(1),
    activation(2, '2001'),
    { workflowId: 'deposit:kazepay:2001:d', flow: 'cardDeposit', provider: 'kazepay', cardRef: '2001' },
    { workflowId: 'issuance:wasabi:c:r', flow: 'virtualCardIssuance', provider: 'wasabi' },
  ]);
  const early = kazepayTarget('cardStatusNotify', { cardID: '3001', status: 'ACTIVE' });
  assert.equal((await router.deliver('kazepay', early.note, early.target)).outcome, 'signalled');
  assert.deepEqual(signalled, [activation(1).workflowId]);

  // A card some flow carries: only its flows, none of the activations still assigning.
  signalled.length = 0;
  const known = kazepayTarget('rechargeNotify', { cardID: '2001', transactionId: 't', status: 'SUCCESS' });
  await router.deliver('kazepay', known.note, known.target);
  assert.deepEqual(signalled.sort(), [activation(2).workflowId, 'deposit:kazepay:2001:d']);
});

test('the activations without a card are signalled at most ASSIGNING_CAP at a time', async () => {
  const rows = Array.from({ length: ASSIGNING_CAP + 5 }, (_, i) => activation(i));
  const { router, signalled } = routerOver(rows);
  const early = kazepayTarget('cardStatusNotify', { cardID: '9', status: 'ACTIVE' });
  await router.deliver('kazepay', early.note, early.target);
  assert.equal(signalled.length, ASSIGNING_CAP);
});

test('a WasabiCard card order reaches the issuance by its order key, and the card by its cardNo', async () => {
  const orderNo = 'cf0123456789abcdef0123456789abcd';
  const { router, signalled, queries } = routerOver([
    {
      workflowId: 'issuance:wasabi:c:r',
      flow: 'virtualCardIssuance',
      provider: 'wasabi',
      notificationKey: wasabiOrderNotificationKey(orderNo),
    },
    { workflowId: 'deposit:wasabi:555:d', flow: 'cardDeposit', provider: 'wasabi', cardRef: '555' },
    activation(7),
  ]);
  const order = wasabiTarget('card_transaction', {
    merchantOrderNo: orderNo,
    cardNo: '444',
    status: 'success',
  });
  await router.deliver('wasabi', order.note, order.target);
  assert.deepEqual(signalled, ['issuance:wasabi:c:r']);
  // By card or by order in one visibility query: the frontend rate-limits them per namespace.
  assert.equal(queries.length, 1, `one visibility query per card order: ${JSON.stringify(queries)}`);

  signalled.length = 0;
  const deposit = wasabiTarget('card_transaction', {
    merchantOrderNo: 'cfother',
    cardNo: '555',
    status: 'success',
  });
  await router.deliver('wasabi', deposit.note, deposit.target);
  assert.deepEqual(signalled, ['deposit:wasabi:555:d']);

  // A WasabiCard notification no flow carries: nothing else is tried.
  signalled.length = 0;
  const unknown = wasabiTarget('physical_card', { cardNo: '999', status: 'success' });
  assert.equal((await router.deliver('wasabi', unknown.note, unknown.target)).outcome, 'unmatched');
  assert.deepEqual(signalled, []);
});
