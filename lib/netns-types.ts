// The shapes of namespaces(), snapshotAll() and pressureAll().
import type { TcpStateError } from './errors';
import type { Pressure, PressureOptions, Options, Snapshot } from './types';

/** The container behind a network namespace, as its cgroup path and its runtime's files tell it. */
export interface ContainerInfo {
  /** The container id (64 hex digits). For a Kubernetes pod: the container of the lowest pid, usually the pod's sandbox. */
  id: string;
  /** Who runs it: `cri` where a Kubernetes cgroupfs path does not say which runtime. */
  runtime: 'docker' | 'podman' | 'containerd' | 'cri-o' | 'cri';
  /** The container's name (podman, Docker; Kubernetes from the runtime's annotations), where found. */
  name?: string;
  /** The pod, for Kubernetes: its UID from the kubepods cgroup path; name and namespace where the runtime's files give them. */
  pod?: { uid: string; name?: string; namespace?: string };
}

/** One network namespace of the host. */
export interface NetworkNamespace {
  /** The namespace's inode, as in `readlink /proc/PID/ns/net` and `netnsInode` of the reads. */
  inode: number;
  /** A path that enters it: a bind mount (`/run/netns/NAME`) where there is one, else `/proc/PID/ns/net`. */
  path: string;
  /** Its `ip netns` names (`/run/netns/NAME`), none for most containers. */
  names: string[];
  /** How many processes (visible to the caller) are in it. */
  processes: number;
  /** The lowest of those pids, whose `/proc/PID/net` gives the namespace's O(1) counts; null when no process is in it. */
  pid: number | null;
  /** True for the caller's own namespace. */
  own: boolean;
  container: ContainerInfo | null;
}

/** What namespaces() resolves to: the namespaces, and how many processes the caller could not look into. */
export type NamespaceList = NetworkNamespace[] & {
  /** Processes whose `/proc/PID/ns/net` the caller may not read (another user's, without CAP_SYS_PTRACE); their namespaces are missing unless found otherwise. */
  readonly hidden: number;
};

/** A namespace's headline figures, from `/proc/PID/net/sockstat`, `sockstat6` and `snmp`: no walk of the table. */
export interface NamespaceCounts {
  /** TCP sockets: in use (IPv4 and IPv6) plus TIME_WAIT. */
  sockets: number;
  /** `TCP: inuse` + `TCP6: inuse`: every TCP socket but TIME_WAIT and pending connection requests. */
  inUse: number;
  /** `TCP: tw`, the namespace's TIME_WAIT sockets. */
  timeWait: number;
  /** `Tcp: CurrEstab`: ESTABLISHED and CLOSE_WAIT. */
  established: number;
  /** `TCP: orphan`: closed sockets still holding data or a FIN to send. */
  orphan: number;
}

/** Whether a namespace is walked: `auto` only where the counts call for it (see README), `always` every one. */
export type WalkMode = 'auto' | 'always';

/** Options of snapshotAll() and pressureAll(), besides the filters of the single calls. */
export interface AllOptions {
  /** How many namespaces are read at once. Default 4, 1 to 64. */
  concurrency?: number;
  /** Default `'auto'`. */
  walk?: WalkMode;
  /** With `walk: 'auto'`, a namespace without TIME_WAIT is walked only from this many sockets. Default 1000 for pressureAll(), 1 for snapshotAll(). */
  walkMinSockets?: number;
}

export type SnapshotAllOptions = Omit<Options, 'netns'> & AllOptions;
export type PressureAllOptions = Omit<PressureOptions, 'netns'> & AllOptions;

/** One namespace's result: read (`walked`), skipped on its counts, or failed (`error`). */
export type NamespaceResult<K extends string, T> =
  | ({ namespace: NetworkNamespace; counts: NamespaceCounts | null; walked: true; error?: undefined } & Record<K, T>)
  | ({ namespace: NetworkNamespace; counts: NamespaceCounts; walked: false; error?: undefined } & Record<K, null>)
  | ({ namespace: NetworkNamespace; counts: NamespaceCounts | null; walked: false; error: TcpStateError } & Record<K, null>);

export type SnapshotAllEntry = NamespaceResult<'snapshot', Snapshot>;
export type PressureAllEntry = NamespaceResult<'pressure', Pressure>;

/** What snapshotAll() and pressureAll() resolve to: one entry per namespace, plus `hidden` as in namespaces(). */
export type AllResult<E> = E[] & { readonly hidden: number };
