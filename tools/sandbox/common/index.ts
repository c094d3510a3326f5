export * from './faults';
export * from './http-server';
export * from './keystore';
export * from './ledger';
export * from './random';
export * from './scheduler';
export * from './webhooks';
