// The public contract: what other services (any Temporal SDK, the CLI, the HTTP API, the typed
// client) need to start and steer cardflow's workflows.
export * from './activation';
export * from './card-account';
export * from './closure';
export * from './common';
export * from './deposit';
export * from './failures';
export * from './issuance';
export * from './kyc';
export * from './kyc-messages';
export * from './messages';
export * from './money';
export * from './money-schemas';
export * from './provider-statuses';
export * from './search-attributes';
export * from './initial-states';
export * from './summaries';
export * from './workflow-id-schema';
export * from './workflow-ids';
