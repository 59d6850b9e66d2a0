// How a namespace is named for people (the CLI) and for metrics, and the one-word state of a
// destination. Shared by `tcpstate --all-netns` and `tcpstate serve --all-netns`.
import type { NetworkNamespace } from './netns-types';
import type { Destination } from './types';

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

export type DestinationState = 'exhausted' | 'at limit' | 'high' | 'fine';

const WORDS: Record<Destination['status'], DestinationState> = {
  exhausted: 'exhausted', 'at-limit': 'at limit', high: 'high', fine: 'fine',
};

/** One word for a destination's `status`, as the `--all-netns` table prints it. */
export function destinationState(d: Pick<Destination, 'status'>): DestinationState {
  return WORDS[d.status];
}
