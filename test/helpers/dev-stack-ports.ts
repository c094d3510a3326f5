// Free loopback ports for every listener of a dev stack a test starts (CARDFLOW_DEV_*_PORT), so it
// never meets a developer's running stack or another test's.
import { freePort } from '../../tools/dev/ports';

const LISTENERS = [
  'TEMPORAL_PORT',
  'TEMPORAL_UI_PORT',
  'API_PORT',
  'CODEC_SERVER_PORT',
  'KAZEPAY_SANDBOX_PORT',
  'WASABI_SANDBOX_PORT',
  'WORKER_HEALTH_PORT',
  'METRICS_PORT',
];

export async function freeDevStackPorts(): Promise<Record<string, string>> {
  const ports: Record<string, string> = {};
  for (const name of LISTENERS) ports[`CARDFLOW_DEV_${name}`] = String(await freePort());
  return ports;
}
