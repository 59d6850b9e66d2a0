// The metrics of every network namespace (`tcpstate serve --all-netns`): the usual families,
// each sample labelled with `netns` and `container`, for a bounded set of namespaces.
import { TcpStateError, pressureAll } from '../index';
import { containerLabel } from '../netns-labels';
import type { NetworkNamespace, PressureAllEntry } from '../netns-types';
import { DEFAULT_TOP, MAX_TOP } from '../options';
import type { MetricDefinition, MetricFamily, MetricSample } from './definitions';
import { sharedReads } from './reader';
import { metricFamilies } from './samples';

/** How many namespaces get their own series by default. */
export const DEFAULT_MAX_NAMESPACES = 50;
/** The warning codes that put a namespace among the listed ones first. */
const ALERTING = new Set(['DESTINATION_PORTS_HIGH', 'DESTINATION_PORTS_EXHAUSTED', 'CLOSE_RATE_ABOVE_LIMIT', 'TIME_WAIT_BUCKETS_FULL']);
const NETNS_LABELS = ['netns', 'container'] as const;
/** The collection's own metrics: about the whole read, with no namespace labels. */
const COLLECTION = new Set(['tcpstate_read_duration_seconds', 'tcpstate_read_errors_total']);

export const NETNS_METRICS: readonly MetricDefinition[] = [
  { name: 'tcpstate_netns_sockets', type: 'gauge', labels: [...NETNS_LABELS, 'kind'],
    help: 'TCP sockets of a network namespace from its sockstat and snmp counters, without a walk of the table: kind = in_use, time_wait, established.' },
  { name: 'tcpstate_netns_walked', type: 'gauge', labels: [...NETNS_LABELS],
    help: '1 when the namespace\'s table was read this collection, 0 when its counters showed no need (no TIME_WAIT, few sockets).' },
  { name: 'tcpstate_namespaces', type: 'gauge', labels: ['kind'],
    help: 'Network namespaces: seen, walked, failed (their read failed), listed (with series of their own; the rest are left out).' },
  { name: 'tcpstate_hidden_processes', type: 'gauge', labels: [],
    help: 'Processes whose network namespace the exporter may not read (it lacks CAP_SYS_PTRACE).' },
];

export interface AllNetnsMetricsOptions {
  top?: number;
  minIntervalMs?: number;
  /** At most this many namespaces get series (default 50): those with an alerting warning first, then the busiest by sockets. */
  maxNamespaces?: number;
}

interface Row {
  ns: NetworkNamespace;
  pressure: PressureAllEntry;
  sockets: number;
  alerting: number;
}

/** The namespaces that get series: alerting warnings first (most first), then most sockets; at most `max`. */
export function listedNamespaces<T extends { sockets: number; alerting: number; ns: NetworkNamespace }>(rows: readonly T[], max: number): T[] {
  return [...rows].sort((a, b) => Number(b.alerting > 0) - Number(a.alerting > 0) || b.alerting - a.alerting ||
    b.sockets - a.sockets || a.ns.inode - b.ns.inode).slice(0, max);
}

function rowsOf(pressures: readonly PressureAllEntry[]): Row[] {
  return pressures.map((p) => ({
    ns: p.namespace,
    pressure: p,
    sockets: p.pressure?.snapshot.total ?? p.counts?.sockets ?? 0,
    alerting: p.pressure?.warnings.filter((w) => ALERTING.has(w.code)).length ?? 0,
  }));
}

/** The families of one collection over every namespace. */
export function allNetnsFamilies(
  pressures: readonly PressureAllEntry[] & { hidden?: number },
  maxNamespaces: number, durationSeconds: number, errors: number,
): MetricFamily[] {
  const rows = rowsOf(pressures);
  const listed = listedNamespaces(rows, maxNamespaces);
  const base = metricFamilies({ table: null, durationSeconds, errors });
  const families = new Map<string, MetricFamily>();
  for (const f of base) {
    families.set(f.name, COLLECTION.has(f.name) ? f : { ...f, labels: [...NETNS_LABELS, ...f.labels], samples: [] });
  }
  for (const d of NETNS_METRICS) families.set(d.name, { ...d, samples: [] });
  const push = (name: string, sample: MetricSample) => families.get(name)?.samples.push(sample);

  for (const row of listed) {
    const labels = { netns: String(row.ns.inode), container: containerLabel(row.ns) };
    const counts = row.pressure.counts ?? null;
    if (counts) {
      push('tcpstate_netns_sockets', { labels: { ...labels, kind: 'in_use' }, value: counts.inUse });
      push('tcpstate_netns_sockets', { labels: { ...labels, kind: 'time_wait' }, value: counts.timeWait });
      push('tcpstate_netns_sockets', { labels: { ...labels, kind: 'established' }, value: counts.established });
    }
    const pressure = row.pressure.pressure;
    push('tcpstate_netns_walked', { labels, value: pressure ? 1 : 0 });
    if (!pressure) continue;
    for (const f of metricFamilies({ table: { snapshot: pressure.snapshot, pressure }, durationSeconds, errors })) {
      if (COLLECTION.has(f.name)) continue;
      for (const s of f.samples) push(f.name, { labels: { ...labels, ...s.labels }, value: s.value });
    }
  }
  const failed = rows.filter((r) => r.pressure.error).length;
  const walked = rows.filter((r) => r.pressure.walked).length;
  for (const [kind, value] of [['seen', rows.length], ['walked', walked], ['failed', failed], ['listed', listed.length]] as const) {
    push('tcpstate_namespaces', { labels: { kind }, value });
  }
  push('tcpstate_hidden_processes', { labels: {}, value: pressures.hidden ?? 0 });
  // The collection's own metrics last, as in the single-namespace exposition.
  const order = [...families.values()].filter((f) => !COLLECTION.has(f.name));
  return [...order, ...base.filter((f) => COLLECTION.has(f.name))];
}

export interface AllNetnsMetricsReader {
  read(): Promise<MetricFamily[]>;
  readonly errors: number;
  /** The failures of the last collection, one per namespace that failed. */
  readonly lastErrors: readonly { namespace: NetworkNamespace; error: TcpStateError }[];
}

/**
 * Every namespace's metrics: each collection is one pressureAll(), whose reads carry their
 * state counts, so a walked namespace costs one walk. Concurrent reads share one collection;
 * a collection younger than `minIntervalMs` is reused.
 */
export function createAllNetnsMetricsReader(options: AllNetnsMetricsOptions = {}): AllNetnsMetricsReader {
  const top = Math.min(options.top ?? DEFAULT_TOP, MAX_TOP);
  const minIntervalMs = options.minIntervalMs ?? 0;
  const maxNamespaces = options.maxNamespaces ?? DEFAULT_MAX_NAMESPACES;
  let errors = 0;
  let lastErrors: { namespace: NetworkNamespace; error: TcpStateError }[] = [];

  async function readOnce(): Promise<MetricFamily[]> {
    const started = performance.now();
    // pressureAll's default rule: a namespace without TIME_WAIT and with few sockets is not walked.
    const pressures = await pressureAll({ top });
    lastErrors = pressures.filter((e) => e.error).map((e) => ({ namespace: e.namespace, error: e.error as TcpStateError }));
    errors += lastErrors.length;
    return allNetnsFamilies(pressures, maxNamespaces, (performance.now() - started) / 1000, errors);
  }

  return {
    read: sharedReads(readOnce, minIntervalMs),
    get errors() {
      return errors;
    },
    get lastErrors() {
      return lastErrors;
    },
  };
}
