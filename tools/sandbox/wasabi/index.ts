// The WasabiCard sandbox: in-process for tests (`startWasabiSandbox`), standalone as
// `cardflow sandbox wasabi`.
export { startWasabiSandbox, type WasabiSandbox, type WasabiSandboxControl } from './server';
export { DEFAULT_CATALOGUE, type SandboxCardType } from './catalogue';
export {
  DEFAULT_SWITCHES,
  DEFAULT_TIMINGS,
  WASABI_WEBHOOK_SCHEDULE_MS,
  type WasabiSandboxOptions,
  type WasabiSandboxSwitches,
  type WasabiSandboxTimings,
} from './options';
export type { HolderScript, OrderScript } from './model';
