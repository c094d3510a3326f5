// Common reference data and file upload (spec §1.2 "Common API").
import { z } from 'zod';
import { idString, opt } from './primitives';

export const regionSchema = z.looseObject({
  code: z.string(),
  standardCode: opt(z.string()),
  name: opt(z.string()),
});
export const citySchema = z.looseObject({
  code: z.string(),
  name: opt(z.string()),
  country: opt(z.string()),
});
export const mobileAreaCodeSchema = z.looseObject({
  code: opt(z.string()),
  name: opt(z.string()),
  areaCode: z.string(),
  language: opt(z.string()),
  enableGlobalTransfer: opt(z.boolean()),
});
export const uploadResultSchema = z.looseObject({ fileId: idString });
