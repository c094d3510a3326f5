// WasabiCard provider: byte-faithful client, webhook verification, configuration.
export * from './client';
export * from './config';
export * from './paths';
export * from './sensitive';
export * from './signature';
export * from './transport';
export * from './webhooks';
export { isFinalOrderStatus, statusIs, type OrderStatus } from './schemas/primitives';
export type { WasabiOrder, WasabiCardInfo, WasabiBalance, WasabiCardTypeV2 } from './schemas/card';
export type { WasabiHolderRecord, WasabiHolderResult } from './schemas/holder';
