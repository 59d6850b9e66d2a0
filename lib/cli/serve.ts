// `tcpstate serve`: /metrics in the Prometheus text format, read fresh per scrape.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { bracketHost } from '../address';
import { PROMETHEUS_CONTENT_TYPE, createMetricsReader, renderPrometheus, type MetricsReader } from '../metrics';
import { createAllNetnsMetricsReader } from '../metrics/all-netns';
import { traceConnects, type ConnectTracer } from '../trace';

export interface ServeRun {
  host: string;
  port: number;
  top: number;
  minIntervalMs: number;
  /** Read in this network namespace. */
  netns?: string;
  /** Every network namespace, with `netns` and `container` labels; at most `maxNetns` with series. */
  allNetns?: boolean;
  maxNetns?: number;
  /** Trace connect() (in `netns` when given, else in every namespace) and export its counters. */
  trace?: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function page(version: string): string {
  return `tcpstate ${version}: a Prometheus exporter of this host's TCP socket table.\n` +
    'Metrics in the Prometheus text format: /metrics\n';
}

function hostForUrl(address: AddressInfo): string {
  return bracketHost(address.address);
}

/** The all-namespaces reader, logging each failed namespace's error as the single reader logs its one. */
function allNetnsReader(run: ServeRun): Pick<MetricsReader, 'read' | 'errors' | 'lastError'> {
  const reader = createAllNetnsMetricsReader({
    top: run.top, minIntervalMs: run.minIntervalMs, ...(run.maxNetns === undefined ? {} : { maxNamespaces: run.maxNetns }),
  });
  return {
    read: () => reader.read(),
    get errors() {
      return reader.errors;
    },
    get lastError() {
      const first = reader.lastErrors[0];
      if (!first) return null;
      const more = reader.lastErrors.length > 1 ? ` (and ${reader.lastErrors.length - 1} more namespaces)` : '';
      return Object.assign(Object.create(Object.getPrototypeOf(first.error)), first.error, {
        message: `namespace ${first.namespace.inode}: ${first.error.message}${more}`,
      });
    },
  };
}

/**
 * Serves until SIGINT or SIGTERM. A scrape younger than `minIntervalMs` after the
 * last read gets that read again; scrapes during a read share it. A failed read is
 * answered 200 with the error counter and the read duration only (a 5xx would make
 * Prometheus drop the body, counter included), and logged on stderr.
 */
export async function runServe(run: ServeRun, version: string): Promise<void> {
  const where = run.netns === undefined ? {} : { netns: run.netns };
  // The tracer first: without the privileges serve fails at start, not at every scrape.
  const tracer: ConnectTracer | null = run.trace ? await traceConnects(where) : null;
  const reader = run.allNetns ? allNetnsReader(run) : createMetricsReader({
    top: run.top, minIntervalMs: run.minIntervalMs, ...where, ...(tracer ? { tracer } : {}),
  });
  let logged = 0;

  async function metrics(res: ServerResponse): Promise<void> {
    const families = await reader.read();
    if (reader.errors > logged && reader.lastError) {
      logged = reader.errors;
      run.stderr.write(`tcpstate serve: read failed: ${reader.lastError.message} (${reader.lastError.code})\n`);
    }
    res.writeHead(200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' });
    res.end(renderPrometheus(families));
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
    } else if (path === '/metrics') {
      metrics(res).catch((error: Error) => {
        run.stderr.write(`tcpstate serve: ${error.message}\n`);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('internal error\n');
      });
    } else if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(page(version));
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('not found: the metrics are at /metrics\n');
    }
  }

  const server = createServer(handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: run.host, port: run.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    tracer?.close();
    throw error;
  }
  // The handlers go in before the URL is printed: whoever waits for that line may signal at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close(() => resolve());
      server.closeAllConnections?.();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const address = server.address() as AddressInfo;
  run.stdout.write(`tcpstate serve: metrics at http://${hostForUrl(address)}:${address.port}/metrics\n`);
  await stopped;
  tracer?.close();
}
