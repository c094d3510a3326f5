// Messages shared by every flow: their definitions (message-definitions.ts) and the zod schemas
// that check them. The schemas' types must stay the definitions' types (`satisfies` below).
import { z } from 'zod';
import type { OutcomeResolution, ProviderNotification } from './message-definitions';

export * from './message-definitions';

export const providerNotificationSchema = z.object({
  event: z.string().min(1).max(64),
  key: z.string().min(1).max(128),
  status: z.string().max(64).optional(),
}) satisfies z.ZodType<ProviderNotification, ProviderNotification>;

export const outcomeResolutionSchema = z.discriminatedUnion('applied', [
  z.object({
    applied: z.literal(true),
    transactionId: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,64}$/, 'expected the provider transaction id')
      .optional(),
    note: z.string().max(200).optional(),
  }),
  z.object({ applied: z.literal(false), note: z.string().max(200).optional() }),
]) satisfies z.ZodType<OutcomeResolution, OutcomeResolution>;
