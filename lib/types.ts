/** The normalized TCP state names, in their fixed order. */
export const STATES = [
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'DELETE_TCB',
] as const;

export type TcpState = (typeof STATES)[number];

export type Family = 'ipv4' | 'ipv6';

/** A port, or an inclusive `[min, max]` range. */
export type PortFilter = number | readonly [number, number];

/** Filters shared by every reading call. All are optional and all must hold. */
export interface Options {
  /** Address family to read. Default `'all'`. */
  family?: Family | 'all';
  /** Only sockets in these states. Default: every state. */
  states?: readonly TcpState[];
  /** Local port or inclusive range. */
  localPort?: PortFilter;
  /** Remote port or inclusive range. */
  remotePort?: PortFilter;
  /** Local IP address or CIDR (`'10.0.0.0/8'`, `'::1'`). IPv4 also matches IPv4-mapped IPv6 sockets. */
  localAddress?: string;
  /** Remote IP address or CIDR. IPv4 also matches IPv4-mapped IPv6 sockets. */
  remoteAddress?: string;
}

export type StateCounts = Record<TcpState, number>;

export interface FamilyCounts {
  total: number;
  states: StateCounts;
}

export interface Snapshot {
  /** `process.platform` of the host that was read. */
  platform: NodeJS.Platform;
  /** Where the table came from: `'netlink'` on Linux. */
  source: string;
  /** When the read started, in ms since the epoch. */
  timestamp: number;
  /** How long the read took, in ms. */
  durationMs: number;
  /** False when the OS reported that the table changed during the read (Linux `NLM_F_DUMP_INTR`). */
  consistent: boolean;
  total: number;
  states: StateCounts;
  ipv4: FamilyCounts;
  ipv6: FamilyCounts;
}

export interface Socket {
  family: Family;
  state: TcpState;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Time left on the socket's pending timer in ms (TIME_WAIT: until the port is free); `null` when no timer is pending. */
  timerMs: number | null;
  /** Owner's user id; `null` where the OS keeps no owner (Linux TIME_WAIT and connection requests) or gives none. */
  uid: number | null;
  /** Socket inode; `null` when the socket is not attached to a file or the OS gives none. */
  inode: number | null;
  /** Bytes queued for reading; for LISTEN, connections waiting to be accepted. `null` where the OS gives none. */
  recvQueue: number | null;
  /** Bytes not yet acknowledged; for LISTEN, the backlog size. `null` where the OS gives none. */
  sendQueue: number | null;
  /** Owning process id; `null` where the OS gives none (Linux). */
  pid: number | null;
}
