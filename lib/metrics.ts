// The one definition of the tcpstate metrics, shared by `tcpstate serve`, the prom-client
// collector and the OpenTelemetry gauges: what each metric is, how a read of the table
// becomes samples, and the Prometheus text format.
import { parseNetns } from './options';
import { invalidArgType, invalidArgValue, outOfRange } from './errors';
import { TcpStateError, pressureAsync, snapshotAsync } from './index';
import { STATES, type Destination, type Pressure, type Snapshot, type WarningCode } from './types';
import { checkTracer, type ConnectStats, type ConnectTracer } from './trace';
import { TRACE_METRICS, traceSamples } from './trace-metrics';

export type MetricType = 'gauge' | 'counter';

export interface MetricDefinition {
  /** Prometheus-style name, `tcpstate_` prefix, unit in the name. */
  name: string;
  help: string;
  type: MetricType;
  /** Unit for OpenTelemetry (UCUM), when the metric has one. */
  unit?: string;
  /** Label names every sample of the metric carries, in order. */
  labels: readonly string[];
}

export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily extends MetricDefinition {
  samples: MetricSample[];
}

const DESTINATION_LABELS = ['local', 'remote', 'remote_port'] as const;

/** Every metric, in the order they are exposed. */
export const METRICS: readonly MetricDefinition[] = [
  { name: 'tcpstate_sockets', type: 'gauge', labels: ['state', 'family'],
    help: 'TCP sockets by state and address family.' },
  { name: 'tcpstate_time_wait_sockets', type: 'gauge', labels: ['side'],
    help: 'TIME_WAIT sockets by the side that closed first: client (local port in the ephemeral range), server (local port is a listening port) or other.' },
  { name: 'tcpstate_ephemeral_ports', type: 'gauge', labels: ['kind'],
    help: 'Ports of the ephemeral range: size of the range, reserved ports in it, and available = size - reserved.' },
  { name: 'tcpstate_time_wait_seconds', type: 'gauge', unit: 's', labels: [],
    help: 'How long a closed connection holds its local port in TIME_WAIT.' },
  { name: 'tcpstate_max_connect_rate_per_second', type: 'gauge', unit: '1/s', labels: [],
    help: 'New connections per second one destination sustains without TIME_WAIT reuse: available ports / TIME_WAIT seconds.' },
  { name: 'tcpstate_close_rate_per_second', type: 'gauge', unit: '1/s', labels: [],
    help: 'Connections closed per second on the host, measured from the TIME_WAIT timers.' },
  { name: 'tcpstate_destinations', type: 'gauge', labels: [],
    help: 'Distinct destinations (local address, remote address, remote port) in the table.' },
  { name: 'tcpstate_destination_ports_in_use', type: 'gauge', labels: DESTINATION_LABELS,
    help: 'Ephemeral ports in use toward a destination, in any state; only the busiest destinations.' },
  { name: 'tcpstate_destination_utilization_ratio', type: 'gauge', unit: '1', labels: DESTINATION_LABELS,
    help: 'Ports in use toward a destination / available ephemeral ports; at 1 connect() to it fails with EADDRNOTAVAIL.' },
  { name: 'tcpstate_destination_close_rate_per_second', type: 'gauge', unit: '1/s', labels: DESTINATION_LABELS,
    help: 'Connections to a destination closed per second, measured from the TIME_WAIT timers.' },
  { name: 'tcpstate_warnings', type: 'gauge', labels: ['code'],
    help: 'Active warnings by code (see the tcpstate README), 0 when a code does not apply.' },
  { name: 'tcpstate_read_duration_seconds', type: 'gauge', unit: 's', labels: [],
    help: 'How long the last read of the socket table took, failed or not.' },
  { name: 'tcpstate_read_errors_total', type: 'counter', labels: [],
    help: 'Reads of the socket table that failed.' },
];

const WARNING_CODES: Record<WarningCode, true> = {
  DESTINATION_PORTS_HIGH: true,
  CLOSE_RATE_ABOVE_LIMIT: true,
  TIME_WAIT_BUCKETS_FULL: true,
  RANGE_NARROWER_THAN_DEFAULT: true,
  RESERVED_PORTS_IN_RANGE: true,
  MAX_USER_PORT_LIMITS_RANGE: true,
  CONNECTS_FAILING: true,
};

/** What one read produced: the table (null when the read failed), its duration, the failures so far. */
export interface MetricsInput {
  table: { snapshot: Snapshot; pressure: Pressure } | null;
  durationSeconds: number;
  errors: number;
  /** With a tracer: its read (null when it failed) and how many destinations get series. */
  trace?: { stats: ConnectStats | null; top: number };
}

/** The metrics exposed: METRICS, and TRACE_METRICS when there is a tracer. */
export function metricDefinitions(traced: boolean): readonly MetricDefinition[] {
  return traced ? [...METRICS, ...TRACE_METRICS] : METRICS;
}

function destinationLabels(d: Destination): Record<string, string> {
  return { local: d.localAddress, remote: d.remoteAddress, remote_port: String(d.remotePort) };
}

function tableSamples(snapshot: Snapshot, pressure: Pressure): Record<string, MetricSample[]> {
  const one = (value: number | null): MetricSample[] => (value === null ? [] : [{ labels: {}, value }]);
  const { range } = pressure;
  const busiest = pressure.destinations.filter((d) => d.portsInUse > 0);
  const active = new Map<string, number>();
  for (const w of pressure.warnings) active.set(w.code, (active.get(w.code) ?? 0) + 1);
  return {
    tcpstate_sockets: (['ipv4', 'ipv6'] as const).flatMap((family) =>
      STATES.map((state) => ({ labels: { state, family }, value: snapshot[family].states[state] }))),
    tcpstate_time_wait_sockets: [
      { labels: { side: 'client' }, value: pressure.clientSideTimeWait },
      { labels: { side: 'server' }, value: pressure.serverSideTimeWait },
      { labels: { side: 'other' }, value: pressure.otherTimeWait },
    ],
    tcpstate_ephemeral_ports: [
      { labels: { kind: 'size' }, value: range.size },
      { labels: { kind: 'reserved' }, value: range.reserved },
      { labels: { kind: 'available' }, value: range.available },
    ],
    tcpstate_time_wait_seconds: one(range.timeWaitSeconds),
    tcpstate_max_connect_rate_per_second: one(range.maxConnectRate),
    tcpstate_close_rate_per_second: one(pressure.closeRate),
    tcpstate_destinations: one(pressure.destinationCount),
    tcpstate_destination_ports_in_use: busiest.map((d) => ({ labels: destinationLabels(d), value: d.portsInUse })),
    tcpstate_destination_utilization_ratio: busiest.map((d) => ({ labels: destinationLabels(d), value: d.utilization })),
    tcpstate_destination_close_rate_per_second: busiest
      .filter((d) => d.closeRate !== null)
      .map((d) => ({ labels: destinationLabels(d), value: d.closeRate as number })),
    tcpstate_warnings: Object.keys(WARNING_CODES).map((code) => ({ labels: { code }, value: active.get(code) ?? 0 })),
  };
}

/**
 * The metric families of one read. When the read failed (`table` null), only the
 * read duration and the error counter have samples.
 */
export function metricFamilies(input: MetricsInput): MetricFamily[] {
  const samples = input.table ? tableSamples(input.table.snapshot, input.table.pressure) : {};
  samples.tcpstate_read_duration_seconds = [{ labels: {}, value: input.durationSeconds }];
  samples.tcpstate_read_errors_total = [{ labels: {}, value: input.errors }];
  if (input.trace?.stats) Object.assign(samples, traceSamples(input.trace.stats, input.trace.top));
  return metricDefinitions(input.trace !== undefined).map((definition) => ({ ...definition, samples: samples[definition.name] ?? [] }));
}

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

const DEFAULT_TOP = 10;
const MAX_TOP = 100000;

function checkInteger(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw outOfRange(name, `an integer >= 0 and <= ${max}`, value);
  }
  return value;
}

/** Checks the options shared by the exporters; unknown names are rejected. */
export function parseMetricsOptions(options: unknown): { top: number; minIntervalMs: number; netns?: string; tracer?: ConnectTracer } {
  if (options === undefined) return { top: DEFAULT_TOP, minIntervalMs: 0 };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgType('options', 'of type object', options);
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (key !== 'top' && key !== 'minIntervalMs' && key !== 'netns' && key !== 'tracer') {
      throw invalidArgValue(`options.${key}`, given[key], 'is not a known option (known: top, minIntervalMs, netns, tracer)');
    }
  }
  const parsed: { top: number; minIntervalMs: number; netns?: string; tracer?: ConnectTracer } = {
    top: checkInteger('options.top', given.top, DEFAULT_TOP, MAX_TOP),
    minIntervalMs: checkInteger('options.minIntervalMs', given.minIntervalMs, 0, 2 ** 31 - 1),
  };
  if (given.netns !== undefined) parsed.netns = parseNetns(given.netns);
  if (given.tracer !== undefined) parsed.tracer = checkTracer(given.tracer);
  return parsed;
}

/**
 * A reader of the metrics: each read is one snapshot and one pressure() of the table,
 * run together on the thread pool. Reads asked for while one runs share it, so the
 * several metrics of one scrape cost one read.
 */
export function createMetricsReader(options?: MetricsOptions): MetricsReader {
  const { top, minIntervalMs, netns, tracer } = parseMetricsOptions(options);
  const where = netns === undefined ? {} : { netns };
  let errors = 0;
  let lastError: TcpStateError | null = null;
  let inflight: Promise<MetricFamily[]> | null = null;
  let last: { at: number; families: MetricFamily[] } | null = null;

  async function readOnce(): Promise<MetricFamily[]> {
    const started = performance.now();
    let table: MetricsInput['table'] = null;
    try {
      const traced = tracer ? { tracer } : {};
      const [snapshot, pressure] = await Promise.all([snapshotAsync(where), pressureAsync({ top, ...where, ...traced })]);
      table = { snapshot, pressure };
      lastError = null;
    } catch (error) {
      if (!(error instanceof TcpStateError)) throw error;
      errors++;
      lastError = error;
    }
    const input: MetricsInput = { table, durationSeconds: (performance.now() - started) / 1000, errors };
    if (tracer) input.trace = { stats: readTrace(tracer), top };
    const families = metricFamilies(input);
    last = { at: performance.now(), families };
    return families;
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
    read() {
      if (inflight) return inflight;
      if (last && minIntervalMs > 0 && performance.now() - last.at < minIntervalMs) {
        return Promise.resolve(last.families);
      }
      inflight = readOnce().finally(() => {
        inflight = null;
      });
      return inflight;
    },
    get errors() {
      return errors;
    },
    get lastError() {
      return lastError;
    },
  };
}

/** The content type of renderPrometheus()'s output. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** The families in the Prometheus text exposition format (0.0.4); families without samples are left out. */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    if (family.samples.length === 0) continue;
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = family.labels.map((name) => `${name}="${escapeLabel(sample.labels[name] ?? '')}"`);
      const selector = labels.length > 0 ? `{${labels.join(',')}}` : '';
      lines.push(`${family.name}${selector} ${formatValue(sample.value)}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** What the prom-client and OpenTelemetry integrations return. */
export interface MetricsRegistration {
  /** The names of the metrics registered. */
  readonly names: readonly string[];
  /** Removes the metrics (prom-client) or the callback (OpenTelemetry) again. */
  unregister(): void;
}
