// The connect tracer's metrics (see traceConnects): counters per destination, since the tracer
// attached, for the same `top` busiest destinations (most attempts) as the other destination
// series, so that the number of series stays bounded.
import type { MetricDefinition, MetricSample } from './metrics/definitions';
import type { ConnectFailures, ConnectStats } from './trace';

const LABELS = ['netns', 'remote', 'remote_port'] as const;

export const TRACE_METRICS: readonly MetricDefinition[] = [
  { name: 'tcpstate_connect_attempts_total', type: 'counter', labels: LABELS,
    help: 'TCP connect() attempts to a destination since the tracer attached, seen by the eBPF connect tracer; only the busiest destinations (most attempts).' },
  { name: 'tcpstate_connect_failures_total', type: 'counter', labels: ['errno', ...LABELS],
    help: 'Failed TCP connect() attempts to a destination by errno (EADDRNOTAVAIL: no ephemeral port free), since the tracer attached; only the busiest destinations.' },
];

const ERRNOS: readonly (keyof ConnectFailures)[] = ['EADDRNOTAVAIL', 'ECONNREFUSED', 'ETIMEDOUT', 'other'];

/** The samples of the trace metrics for the `top` busiest destinations of a read. */
export function traceSamples(stats: ConnectStats, top: number): Record<string, MetricSample[]> {
  const busiest = stats.destinations.slice(0, top);
  const labels = (d: ConnectStats['destinations'][number]) => ({
    netns: String(d.netnsInode), remote: d.remoteAddress, remote_port: String(d.remotePort),
  });
  return {
    tcpstate_connect_attempts_total: busiest.map((d) => ({ labels: labels(d), value: d.attempts })),
    tcpstate_connect_failures_total: busiest.flatMap((d) =>
      ERRNOS.map((errno) => ({ labels: { errno, ...labels(d) }, value: d.failures[errno] }))),
  };
}
