// How one read of the table becomes metric samples.
import { STATES, UNKNOWN_STATE, type Destination, type Pressure, type Snapshot } from '../types';
import type { ConnectStats } from '../trace';
import { traceSamples } from '../trace-metrics';
import { COUNTER_NAMES, WARNING_CODES, metricDefinitions, type MetricFamily, type MetricSample } from './definitions';

/** What one read produced: the table (null when the read failed), its duration, the failures so far. */
export interface MetricsInput {
  table: { snapshot: Snapshot; pressure: Pressure } | null;
  durationSeconds: number;
  errors: number;
  /** With a tracer: its read (null when it failed) and how many destinations get series. */
  trace?: { stats: ConnectStats | null; top: number };
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
      [
        ...STATES.map((state) => ({ labels: { state, family }, value: snapshot[family].states[state] })),
        // Sockets in a raw state this version has no name for: a series only when there are some.
        ...(snapshot[family].unknown > 0 ? [{ labels: { state: UNKNOWN_STATE, family }, value: snapshot[family].unknown }] : []),
      ]),
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
    tcpstate_host_ports: [
      { labels: { kind: 'in_use' }, value: pressure.hostPorts.inUse },
      { labels: { kind: 'listening' }, value: pressure.hostPorts.listening },
      { labels: { kind: 'available' }, value: pressure.hostPorts.available },
    ],
    tcpstate_destinations: one(pressure.destinationCount),
    tcpstate_destination_ports_in_use: busiest.map((d) => ({ labels: destinationLabels(d), value: d.portsInUse })),
    tcpstate_destination_reusable_ports: busiest.map((d) => ({ labels: destinationLabels(d), value: d.reusable })),
    tcpstate_destination_utilization_ratio: busiest.map((d) => ({ labels: destinationLabels(d), value: d.utilization })),
    tcpstate_destination_close_rate_per_second: busiest
      .filter((d) => d.closeRate !== null)
      .map((d) => ({ labels: destinationLabels(d), value: d.closeRate as number })),
    tcpstate_destination_max_connect_rate_per_second: busiest.map((d) => ({ labels: destinationLabels(d), value: d.maxConnectRate })),
    tcpstate_destination_seconds_to_exhaustion: busiest
      .filter((d) => d.secondsToExhaustion !== null)
      .map((d) => ({ labels: destinationLabels(d), value: d.secondsToExhaustion as number })),
    ...Object.fromEntries(Object.entries(COUNTER_NAMES).map(([key, { name }]) =>
      [name, one(pressure.counters[key as keyof typeof COUNTER_NAMES])])),
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

