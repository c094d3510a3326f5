// The paths the WasabiCard sandbox serves (all POST), as the provider's documents name them:
// seed 002 for the Card Management operations, spec providers.md §1.2 for the rest. The sandbox
// keeps its own table so that a path the client gets wrong answers 404 here instead of agreeing.
const BASE = '/merchant/core/mcb';

export const SANDBOX_PATHS = {
  // seed 002 (Card Management)
  cardTypesV2: `${BASE}/card/v2/cardTypes`,
  openCard: `${BASE}/card/openCard`,
  cardInfo: `${BASE}/card/info`,
  balance: `${BASE}/card/balanceInfo`,
  freezeV1: `${BASE}/card/freeze`,
  freezeV2: `${BASE}/card/v2/freeze`,
  unfreezeV1: `${BASE}/card/unfreeze`,
  unfreezeV2: `${BASE}/card/v2/unfreeze`,
  deposit: `${BASE}/card/deposit`,
  transactionV1: `${BASE}/card/transaction`,
  authTransaction: `${BASE}/card/authTransaction`,
  third3dsTransaction: `${BASE}/card/third3dsTransaction`,
  // spec §1.2 (card)
  cardTypesV1: `${BASE}/card/cardTypes`,
  createCardV2: `${BASE}/card/v2/createCard`,
  sensitive: `${BASE}/card/sensitive`,
  cardList: `${BASE}/card/list`,
  withdraw: `${BASE}/card/withdraw`,
  cancel: `${BASE}/card/cancel`,
  activeCard: `${BASE}/card/physicalCard/activeCard`,
  updatePin: `${BASE}/card/physicalCard/updatePin`,
  transactionV2: `${BASE}/card/v2/transaction`,
  purchaseTransaction: `${BASE}/card/purchaseTransaction`,
  authFeeTransaction: `${BASE}/card/authFeeTransaction`,
  simulateAuth: `${BASE}/card/simulateAuthTransaction`,
  // spec §1.2 (cardholder)
  holderOccupations: `${BASE}/card/holder/occupations`,
  holderCreateV2: `${BASE}/card/holder/v2/create`,
  holderUpdateV2: `${BASE}/card/holder/v2/update`,
  holderQuery: `${BASE}/card/holder/query`,
  holderUpdateEmail: `${BASE}/card/holder/updateEmail`,
  // spec §1.2 (account)
  accountInfo: `${BASE}/account/info`,
  accountList: `${BASE}/account/list`,
  accountQuery: `${BASE}/account/single/query`,
  accountTransaction: `${BASE}/account/transaction`,
  accountCreate: `${BASE}/account/create`,
  accountTransfer: `${BASE}/account/transfer`,
  // spec §1.2 (common)
  fileUpload: `${BASE}/common/file/upload`,
  regions: `${BASE}/common/region`,
  cities: `${BASE}/common/city`,
  mobileAreaCodes: `${BASE}/common/mobileAreaCode`,
} as const;
