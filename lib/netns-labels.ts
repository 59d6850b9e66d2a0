// How a namespace is named for people (the CLI) and for metrics, and the one-word state of a
// destination. Shared by `tcpstate --all-netns` and `tcpstate serve --all-netns`.
import type { NetworkNamespace } from './netns-types';
import type { Destination, Warning } from './types';

/**
 * The namespace's `container` label: `POD_NAMESPACE/POD_NAME` (or `pod UID`) for Kubernetes,
 * else the container's name or its short id, else its `ip netns` name, else `''`.
 */
export function containerLabel(ns: NetworkNamespace): string {
  const c = ns.container;
  if (c && c.pod) return c.pod.name ? `${c.pod.namespace ? `${c.pod.namespace}/` : ''}${c.pod.name}` : `pod ${c.pod.uid}`;
  if (c) return c.name ?? c.id.slice(0, 12);
  return ns.names[0] ?? '';
}

function same(a: Destination, b: Destination | undefined): boolean {
  return !!b && a.family === b.family && a.localAddress === b.localAddress &&
    a.remoteAddress === b.remoteAddress && a.remotePort === b.remotePort;
}

export type DestinationState = 'exhausted' | 'at limit' | 'high' | 'fine';

/**
 * One word for a destination: `exhausted` when its ports are used up, `at limit` when it closes
 * connections at or above what its ports sustain, `high` when its ports are nearly used up,
 * else `fine`. From the destination's figures and the warnings that name it.
 */
export function destinationState(d: Destination, warnings: readonly Warning[]): DestinationState {
  const named = (code: string) => warnings.some((w) => w.code === code && same(d, w.destination));
  if (d.utilization >= 1 || named('DESTINATION_PORTS_EXHAUSTED')) return 'exhausted';
  if (named('CLOSE_RATE_ABOVE_LIMIT')) return 'at limit';
  if (named('DESTINATION_PORTS_HIGH')) return 'high';
  return 'fine';
}
