// The sandboxes' HTTP server: plain node:http so the exact request bytes reach the handler
// (signatures are over raw bytes) and the exact response bytes leave it.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface SandboxRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

/** Returned by a handler that applied the request and must never answer (the ambiguous case). */
export const HANG_UP = Symbol('sandbox.hang-up');

export type SandboxHandler = (request: SandboxRequest) => Promise<SandboxResponse | typeof HANG_UP>;

export interface SandboxServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  handle: SandboxHandler;
  maxBodyBytes?: number;
  /** A hung-up request's socket is destroyed after this long (the client has given up by then). */
  hangMs?: number;
  onError?: (error: unknown) => void;
}

export interface SandboxServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

export function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return json(res, 413, { error: 'request body too large' });
      const url = new URL(req.url ?? '/', 'http://sandbox');
      options
        .handle({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          rawBody: Buffer.concat(chunks),
        })
        .then((response) => {
          if (response === HANG_UP) {
            const timer = setTimeout(() => req.socket.destroy(), options.hangMs ?? 60_000);
            timer.unref();
            return;
          }
          res.writeHead(response.status, response.headers ?? {});
          res.end(response.body);
        })
        .catch((error: unknown) => {
          options.onError?.(error);
          if (!res.headersSent) json(res, 500, { error: 'internal sandbox error' });
        });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') return reject(new Error('server has no TCP address'));
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${host}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
