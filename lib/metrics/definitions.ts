// What each tcpstate metric is: name, type, unit, labels and help. The one definition
// behind `tcpstate serve`, the prom-client collector and the OpenTelemetry gauges.
import { TRACE_METRICS } from '../trace-metrics';
import type { TcpCounters, WarningCode } from '../types';

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

/** The kernel's TCP counters (counters()), each exported as a Prometheus counter. */
export const COUNTER_NAMES: Record<keyof TcpCounters, { name: string; help: string }> = {
  activeOpens: { name: 'tcpstate_active_opens_total', help: 'Connections this host opened (Linux Tcp ActiveOpens): connect() calls that sent a SYN.' },
  passiveOpens: { name: 'tcpstate_passive_opens_total', help: 'Connections accepted (Tcp PassiveOpens).' },
  attemptFails: { name: 'tcpstate_attempt_fails_total', help: 'Connection attempts that failed after their SYN (Tcp AttemptFails); EADDRNOTAVAIL never gets that far.' },
  estabResets: { name: 'tcpstate_estab_resets_total', help: 'Established connections reset (Tcp EstabResets).' },
  timeWaitExpired: { name: 'tcpstate_time_wait_expired_total', help: 'TIME_WAIT sockets that ran their full time (TcpExt TW).' },
  timeWaitRecycled: { name: 'tcpstate_time_wait_recycled_total', help: 'TIME_WAIT ports connect() took over by reuse (TcpExt TWRecycled).' },
  timeWaitKilled: { name: 'tcpstate_time_wait_killed_total', help: 'TIME_WAIT sockets ended early by a segment (TcpExt TWKilled).' },
  timeWaitOverflow: { name: 'tcpstate_time_wait_overflow_total', help: 'TIME_WAIT sockets not made because tcp_max_tw_buckets was full (TcpExt TCPTimeWaitOverflow).' },
  listenOverflows: { name: 'tcpstate_listen_overflows_total', help: 'Connections a full accept queue turned away (TcpExt ListenOverflows).' },
  listenDrops: { name: 'tcpstate_listen_drops_total', help: 'Connection requests dropped on a listener (TcpExt ListenDrops).' },
};

const COUNTER_METRICS: MetricDefinition[] = Object.values(COUNTER_NAMES).map(({ name, help }) => ({
  name, help, type: 'counter', labels: [],
}));

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
    help: 'Connections closed per second on the host: recent, from the TIME_WAIT timers (since the previous scrape when there is one).' },
  { name: 'tcpstate_host_ports', type: 'gauge', labels: ['kind'],
    help: 'Ports of the ephemeral range held host-wide, the pool bind()-before-connect() clients draw from: in_use (any socket), listening (listeners in the range), available.' },
  { name: 'tcpstate_destinations', type: 'gauge', labels: [],
    help: 'Distinct destinations (local address, remote address, remote port) in the table.' },
  { name: 'tcpstate_destination_ports_in_use', type: 'gauge', labels: DESTINATION_LABELS,
    help: 'Ephemeral ports in use toward a destination, in any state; only the busiest destinations.' },
  { name: 'tcpstate_destination_reusable_ports', type: 'gauge', labels: DESTINATION_LABELS,
    help: 'TIME_WAIT ports of a destination that connect() may take again now (TIME_WAIT reuse); 0 where reuse does not apply.' },
  { name: 'tcpstate_destination_utilization_ratio', type: 'gauge', unit: '1', labels: DESTINATION_LABELS,
    help: 'Share of the available ephemeral ports connect() cannot take for a destination now; at 1 it fails with EADDRNOTAVAIL.' },
  { name: 'tcpstate_destination_close_rate_per_second', type: 'gauge', unit: '1/s', labels: DESTINATION_LABELS,
    help: 'Connections to a destination closed per second: recent, from the TIME_WAIT timers.' },
  { name: 'tcpstate_destination_max_connect_rate_per_second', type: 'gauge', unit: '1/s', labels: DESTINATION_LABELS,
    help: 'New connections per second a destination sustains, with TIME_WAIT reuse where it applies to it.' },
  { name: 'tcpstate_destination_seconds_to_exhaustion', type: 'gauge', unit: 's', labels: DESTINATION_LABELS,
    help: 'Seconds until a destination has no port left at the current rates, 0 while exhausted; no sample when it does not run out.' },
  ...COUNTER_METRICS,
  { name: 'tcpstate_warnings', type: 'gauge', labels: ['code'],
    help: 'Active warnings by code (see the tcpstate README), 0 when a code does not apply.' },
  { name: 'tcpstate_read_duration_seconds', type: 'gauge', unit: 's', labels: [],
    help: 'How long the last read of the socket table took, failed or not.' },
  { name: 'tcpstate_read_errors_total', type: 'counter', labels: [],
    help: 'Reads of the socket table that failed.' },
];

/** Every warning code, in the order the `tcpstate_warnings` metric lists them. */
export const WARNING_CODES: Record<WarningCode, true> = {
  DESTINATION_PORTS_HIGH: true,
  DESTINATION_PORTS_EXHAUSTED: true,
  CLOSE_RATE_ABOVE_LIMIT: true,
  HOST_PORTS_HIGH: true,
  TIME_WAIT_BUCKETS_FULL: true,
  RANGE_NARROWER_THAN_DEFAULT: true,
  RESERVED_PORTS_IN_RANGE: true,
  MAX_USER_PORT_LIMITS_RANGE: true,
  CONNECTS_FAILING: true,
};

/** What the prom-client and OpenTelemetry integrations return. */
export interface MetricsRegistration {
  /** The names of the metrics registered. */
  readonly names: readonly string[];
  /** Removes the metrics (prom-client) or the callback (OpenTelemetry) again. */
  unregister(): void;
}

/** The metrics exposed: METRICS, and TRACE_METRICS when there is a tracer. */
export function metricDefinitions(traced: boolean): readonly MetricDefinition[] {
  return traced ? [...METRICS, ...TRACE_METRICS] : METRICS;
}
