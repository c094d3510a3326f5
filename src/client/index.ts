// The typed client library (`cardflow/client`): one function per flow and message of the contract
// (src/contract), on top of @temporalio/client, for services written in TypeScript, and the one
// front door the API and the CLI start, steer and list flows through.
//
//   const { client } = await connectClient(temporalTarget(), createDataConverter(keyring));
//   const cardflow = createCardflowClient({ client });
//   const kyc = await cardflow.startKyc({ provider: 'wasabi', customerRef, cardTypeId, applicant });
//   const { outcome } = await kyc.result();
//
// One concern per module: cardflow-client.ts (the functions), starts.ts and reuse.ts (the id
// policy), flow-types.ts (ids per type), start-attributes.ts and notification-keys.ts (search
// attributes), flow-handle.ts (a flow and its messages), account-updates.ts, listing.ts (the
// visibility query), connect.ts.
export { type ActivationKey, type CardKey } from './business-keys';
export { type CardflowClient, type CardflowClientOptions, createCardflowClient } from './cardflow-client';
export { connectCardflowClient } from './connect';
export { CardflowInputError, checkInput, DepositConflictError } from './errors';
export { type Flow, type FlowMessages } from './flow-handle';
export { type FlowSummary, type ListFilter, listFilterSchema, listQuery } from './listing';
export { idStanding, REUSE_POLICY, REUSE_RULE, type ReuseRule } from './reuse';
