// A real gRPC server on loopback that speaks Temporal's WorkflowService and answers each method as the
// test scripts it: a status code (with or without Temporal's error details, as a frontend, a proxy or a
// restarting cluster sends them) or a response message. The SDK's client talks to it over real HTTP/2,
// so the API under test sees exactly the errors the SDK builds from those answers.
import { Metadata, Server, ServerCredentials, type ServiceDefinition, status } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { google, temporal } from '@temporalio/proto';

const SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
const errordetails = temporal.api.errordetails.v1;

/** What a method answers: an error status, or a response (plain object of the method's response type). */
export type ScriptedAnswer =
  | {
      code: status;
      message?: string;
      /** Temporal's error details: NotFoundFailure (a workflow not found), NamespaceNotFoundFailure, or none. */
      details?: 'not-found' | 'namespace-not-found';
    }
  | { response: Record<string, unknown> };

export interface ScriptedFrontend {
  address: string;
  /** A client of the namespace `namespace` without the SDK's retries (each answer is seen once). */
  client: Client;
  /** How many calls each method received. */
  calls: Record<string, number>;
  script(method: string, answer: ScriptedAnswer): void;
  close(): Promise<void>;
}

function statusDetails(answer: { code: status; message?: string; details?: string }, namespace: string) {
  if (!answer.details) return undefined;
  const detail =
    answer.details === 'not-found'
      ? {
          type_url: `type.googleapis.com/temporal.api.errordetails.v1.NotFoundFailure`,
          value: errordetails.NotFoundFailure.encode({
            currentCluster: 'active',
            activeCluster: 'active',
          }).finish(),
        }
      : {
          type_url: `type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure`,
          value: errordetails.NamespaceNotFoundFailure.encode({ namespace }).finish(),
        };
  const metadata = new Metadata();
  metadata.set(
    'grpc-status-details-bin',
    Buffer.from(
      google.rpc.Status.encode({
        code: answer.code,
        message: answer.message ?? '',
        details: [detail],
      }).finish(),
    ),
  );
  return metadata;
}

export async function startScriptedFrontend(namespace = 'default'): Promise<ScriptedFrontend> {
  const answers = new Map<string, ScriptedAnswer>();
  const calls: Record<string, number> = {};
  // The static module's service object carries the reflection's method table at run time.
  const service = temporal.api.workflowservice.v1.WorkflowService as unknown as {
    methods: Record<string, unknown>;
  };
  const methods = service.methods;
  const definition: Record<string, ServiceDefinition[string]> = {};
  const implementation: Record<string, unknown> = {};
  for (const name of Object.keys(methods)) {
    const lower = name[0]!.toLowerCase() + name.slice(1);
    const responseType = (
      temporal.api.workflowservice.v1 as unknown as Record<
        string,
        { encode(v: unknown): { finish(): Uint8Array } } | undefined
      >
    )[`${name}Response`];
    definition[lower] = {
      path: `/${SERVICE}/${name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (v: Buffer) => v,
      requestDeserialize: (v: Buffer) => v,
      responseSerialize: (v: Buffer) => v,
      responseDeserialize: (v: Buffer) => v,
    };
    implementation[lower] = (_call: unknown, callback: (error: unknown, value?: Buffer) => void) => {
      calls[name] = (calls[name] ?? 0) + 1;
      const answer = answers.get(name) ?? { code: status.UNIMPLEMENTED, message: `${name} not scripted` };
      if ('response' in answer) {
        if (!responseType) return callback({ code: status.INTERNAL, details: `no ${name}Response type` });
        return callback(null, Buffer.from(responseType.encode(answer.response).finish()));
      }
      return callback({
        code: answer.code,
        details: answer.message ?? status[answer.code],
        metadata: statusDetails(answer, namespace),
      });
    };
  }
  const server = new Server();
  server.addService(definition, implementation as never);
  const port = await new Promise<number>((done, fail) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? fail(error) : done(bound),
    ),
  );
  const address = `127.0.0.1:${port}`;
  // No retry interceptor: the SDK's default retries UNAVAILABLE for ~10 attempts; the test wants
  // the error the API sees once those retries are spent, and sees it at once.
  answers.set('GetSystemInfo', { response: { serverVersion: 'scripted', capabilities: {} } });
  const connection = await Connection.connect({ address, interceptors: [] });
  const client = new Client({ connection, namespace });
  return {
    address,
    client,
    calls,
    script(method, answer) {
      answers.set(method, answer);
    },
    async close() {
      await connection.close();
      await new Promise<void>((done) => server.tryShutdown(() => done()));
    },
  };
}
