import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request through the proxy: `target` is the JSON protocols' X-Amz-Target (`AmazonAthena.GetQueryResults`). */
export interface ProxiedCall {
  method: string;
  path: string;
  target: string | undefined;
  body: string;
}

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Middleware over the upstream call: answer itself, or call `next` and change what comes back. */
export type ProxyHook = (
  call: ProxiedCall,
  next: (call: ProxiedCall) => Promise<ProxiedResponse>,
) => Promise<ProxiedResponse>;

const HOP_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive']);

function forward(
  upstream: URL,
  headers: http.IncomingHttpHeaders,
  call: ProxiedCall,
): Promise<ProxiedResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: call.method,
        path: call.path,
        headers: {
          ...headers,
          host: upstream.host,
          'content-length': Buffer.byteLength(call.body, 'latin1'),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined && !HOP_HEADERS.has(k)) out[k] = String(v);
          resolve({
            status: res.statusCode ?? 502,
            headers: out,
            body: Buffer.concat(chunks).toString('latin1'),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(Buffer.from(call.body, 'latin1'));
  });
}

/**
 * A loopback HTTP proxy in front of moto for what moto cannot do itself: fail a request once
 * (to prove SDK retries), page GetQueryResults (moto returns every row at once), and end a
 * query FAILED. Hooks run in the order added; every call is recorded in `calls`.
 * Bodies are handled as latin1 so binary payloads (S3 parts) pass through byte for byte.
 */
export class FaultProxy {
  readonly calls: ProxiedCall[] = [];
  private hooks: ProxyHook[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(upstream: string): Promise<FaultProxy> {
    const target = new URL(upstream);
    let proxy: FaultProxy | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const call: ProxiedCall = {
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          target: req.headers['x-amz-target'] as string | undefined,
          body: Buffer.concat(chunks).toString('latin1'),
        };
        proxy?.calls.push(call);
        const chain = (proxy?.hooks ?? []).reduceRight<(c: ProxiedCall) => Promise<ProxiedResponse>>(
          (next, hook) => (c) => hook(c, next),
          (c) => forward(target, req.headers, c),
        );
        try {
          const out = await chain(call);
          res.writeHead(out.status, {
            ...out.headers,
            'content-length': Buffer.byteLength(out.body, 'latin1'),
          });
          res.end(Buffer.from(out.body, 'latin1'));
        } catch (err) {
          res.writeHead(502).end(String(err));
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    proxy = new FaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  use(hook: ProxyHook): void {
    this.hooks.push(hook);
  }

  /** Drops every hook and the call log. */
  reset(): void {
    this.hooks = [];
    this.calls.length = 0;
  }

  callsTo(target: string): ProxiedCall[] {
    return this.calls.filter((c) => c.target === target);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

/** A body (held as latin1, byte for byte) read as the UTF-8 text JSON services send. */
export const utf8 = (body: string): string => Buffer.from(body, 'latin1').toString('utf8');

/** A JSON response body, UTF-8 encoded, in the proxy's byte-for-byte form. */
export const jsonBody = (value: unknown): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('latin1');

/** Answers the first `times` calls matching `match` with `response` instead of forwarding them. */
export function failFirst(
  match: (c: ProxiedCall) => boolean,
  times: number,
  response: ProxiedResponse,
): ProxyHook {
  let left = times;
  return (call, next) => {
    if (left > 0 && match(call)) {
      left -= 1;
      return Promise.resolve(response);
    }
    return next(call);
  };
}
