// A caching reader of the metrics: one table read per scrape, shared by concurrent asks.
import { TcpStateError, pressureAsync } from '../index';
import type { Pressure } from '../types';
import { parseMetricsOptions } from '../options';
import { checkTracer, type ConnectStats, type ConnectTracer } from '../trace';
import { metricDefinitions, type MetricDefinition, type MetricFamily } from './definitions';
import { metricFamilies, type MetricsInput } from './samples';

export interface MetricsOptions {
  /** How many of the busiest destinations get per-destination series. Default 10. */
  top?: number;
  /** A read younger than this is reused instead of reading again, in ms. Default 0. */
  minIntervalMs?: number;
  /** Read in this network namespace (a path such as /var/run/netns/NAME). Default: the caller's. */
  netns?: string;
  /** A tracer from traceConnects(): adds the connect counters and CONNECTS_FAILING. */
  tracer?: ConnectTracer;
}

export interface MetricsReader {
  /** The metrics this reader gives (with a tracer, the trace metrics too). */
  readonly definitions: readonly MetricDefinition[];
  /** The metric families from a fresh read, or from the last one if it is younger than `minIntervalMs`. Never rejects for a failed read. */
  read(): Promise<MetricFamily[]>;
  /** Failed reads so far. */
  readonly errors: number;
  /** The error of the last read, or null if it succeeded. */
  readonly lastError: TcpStateError | null;
}

/**
 * Shares reads: a read asked for while one runs gets that one, and a read younger than
 * `minIntervalMs` is given again instead of reading anew.
 */
export function sharedReads<T>(readOnce: () => Promise<T>, minIntervalMs: number): () => Promise<T> {
  let inflight: Promise<T> | null = null;
  let last: { at: number; value: T } | null = null;
  return () => {
    if (inflight) return inflight;
    if (last && minIntervalMs > 0 && performance.now() - last.at < minIntervalMs) return Promise.resolve(last.value);
    inflight = readOnce()
      .then((value) => {
        last = { at: performance.now(), value };
        return value;
      })
      .finally(() => {
        inflight = null;
      });
    return inflight;
  };
}

/**
 * A reader of the metrics: each read is one pressure() of the table on the thread pool
 * (its state counts serve the socket metrics), with close rates counted since the
 * previous read. Reads asked for while one runs share it, so the several metrics of one
 * scrape cost one read.
 */
export function createMetricsReader(options?: MetricsOptions): MetricsReader {
  const { top, minIntervalMs, netns, tracer: given } = parseMetricsOptions(options);
  const tracer = given === undefined ? undefined : checkTracer(given);
  const where = netns === undefined ? {} : { netns };
  let errors = 0;
  let lastError: TcpStateError | null = null;
  let previous: Pressure | null = null;

  async function readOnce(): Promise<MetricFamily[]> {
    const started = performance.now();
    let table: MetricsInput['table'] = null;
    try {
      const pressure = await pressureAsync({
        top, ...where, ...(previous ? { since: previous } : {}), ...(tracer ? { tracer } : {}),
      });
      previous = pressure;
      table = { snapshot: pressure.snapshot, pressure };
      lastError = null;
    } catch (error) {
      if (!(error instanceof TcpStateError)) throw error;
      errors++;
      lastError = error;
    }
    const input: MetricsInput = { table, durationSeconds: (performance.now() - started) / 1000, errors };
    if (tracer) input.trace = { stats: readTrace(tracer), top };
    return metricFamilies(input);
  }

  function readTrace(t: ConnectTracer): ConnectStats | null {
    try {
      return t.read();
    } catch (error) {
      if (!(error instanceof TcpStateError)) throw error;
      errors++;
      lastError = error;
      return null;
    }
  }

  return {
    definitions: metricDefinitions(tracer !== undefined),
    read: sharedReads(readOnce, minIntervalMs),
    get errors() {
      return errors;
    },
    get lastError() {
      return lastError;
    },
  };
}

