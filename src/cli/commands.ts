import type { CliCommand } from './main';

/** Every `cardflow` sub-command by name. Provider and sandbox commands register here. */
export const commands: Record<string, CliCommand> = {};
