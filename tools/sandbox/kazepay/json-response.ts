// A JSON answer of the KazePay sandbox, for the gateway's refusals and the control routes.
import type { SandboxResponse } from '../common/http-server';

export const jsonResponse = (status: number, body: unknown): SandboxResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
