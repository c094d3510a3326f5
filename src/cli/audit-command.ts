// `cardflow audit`: reads the audit trail the API writes (the same store: CARDFLOW_DATABASE_URL,
// or the files under CARDFLOW_DATA_DIR), with filters; `cardflow audit prune` runs the retention
// job once (CARDFLOW_AUDIT_RETENTION); `cardflow audit migrate` creates or updates the table and
// its retention (the table owner's role, when the API's may only INSERT and SELECT).
import { auditEnvSchema, openAuditStore, retentionCutoff } from '../audit/audit-config';
import { type AuditRecord, auditFilterSchema } from '../audit/audit-record';
import { coreEnvSchema } from '../config/engine';
import { ConfigError, parseEnv } from '../config/env';
import { databaseEnvSchema, openDatabase } from '../storage/database';
import type { CliCommand } from './command';

const USAGE =
  'cardflow audit [--since <iso>] [--until <iso>] [--flow <workflowId>] [--credential <name>] [--action <action>] [--outcome <status|code>] [--limit <n>] [--json] | cardflow audit prune | cardflow audit migrate';

const OPTIONS: Record<string, string> = {
  '--since': 'since',
  '--until': 'until',
  '--flow': 'flowId',
  '--credential': 'credential',
  '--action': 'action',
  '--outcome': 'outcome',
  '--limit': 'limit',
};

const line = (r: AuditRecord) =>
  [r.at, r.credential, r.action, r.flowId ?? '-', `${r.status} ${r.code}`, r.requestId].join('  ');

export const auditCommand: CliCommand = {
  summary: 'read the API audit trail with filters; prune it to the retention; migrate its table',
  usage: USAGE,
  async run(args, io) {
    let settings;
    try {
      settings = parseEnv(
        { audit: auditEnvSchema, core: coreEnvSchema, database: databaseEnvSchema },
        process.env,
      );
    } catch (error) {
      if (error instanceof ConfigError) {
        io.err(error.message);
        return 2;
      }
      throw error;
    }
    const job = args[0] === 'prune' || args[0] === 'migrate' ? args[0] : undefined;
    const prune = job !== undefined;
    const raw: Record<string, string> = {};
    let json = false;
    for (let i = prune ? 1 : 0; i < args.length; i++) {
      const arg = args[i] ?? '';
      if (arg === '--json' && !prune) json = true;
      else if (OPTIONS[arg] && !prune && args[i + 1] !== undefined) raw[OPTIONS[arg]] = args[++i] as string;
      else {
        io.err(`cardflow audit: unexpected ${arg}\nusage: ${USAGE}`);
        return 2;
      }
    }
    const filter = auditFilterSchema.safeParse(raw);
    if (!filter.success) {
      io.err(
        `cardflow audit: ${filter.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\nusage: ${USAGE}`,
      );
      return 2;
    }
    const url = settings.database.CARDFLOW_DATABASE_URL;
    const pool = url ? openDatabase(url, { max: 1 }) : undefined;
    try {
      const store = await openAuditStore(settings.audit, settings.core.CARDFLOW_DATA_DIR, {
        ...(pool ? { pool } : {}),
        migrate: job === 'migrate' ? 'always' : 'if-missing',
      });
      if (job === 'migrate') {
        io.out(
          `audit store ready: ${store.description}, retention ${settings.audit.CARDFLOW_AUDIT_RETENTION}d`,
        );
        return 0;
      }
      if (job === 'prune') {
        const days = settings.audit.CARDFLOW_AUDIT_RETENTION;
        const removed = await store.prune(retentionCutoff(days));
        io.out(`audit retention ${days}d: ${removed} records deleted (${store.description})`);
        return 0;
      }
      const records = await store.query(filter.data);
      for (const record of records) io.out(json ? JSON.stringify(record) : line(record));
      return 0;
    } finally {
      await pool?.end();
    }
  },
};
