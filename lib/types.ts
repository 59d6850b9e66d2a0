import type { ConnectDestination, ConnectFailures, ConnectTracer } from './trace';

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

/**
 * The state of a socket whose raw OS state has no name in this version (a state a newer
 * kernel or Windows added). Such sockets are counted (`unknown`, `total`), never dropped.
 */
export const UNKNOWN_STATE = 'UNKNOWN';

export type Family = 'ipv4' | 'ipv6';

/** A port, or an inclusive `[min, max]` range. */
export type PortFilter = number | readonly [number, number];

/** Where the table is read from: `auto` (netlink, or procfs where the kernel has no socket diagnostics). */
export type ReadSource = 'auto' | 'netlink' | 'procfs';

/** Options shared by every reading call. All are optional; every filter given must hold. */
export interface Options {
  /** Read in this network namespace: a path such as `/var/run/netns/NAME` or `/proc/PID/ns/net` (Linux). */
  netns?: string;
  /** Where to read the table from. Default `'auto'`. */
  source?: ReadSource;
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
  /** Every socket read: the sum of `states` plus `unknown`. */
  total: number;
  states: StateCounts;
  /** Sockets in a raw state this version has no name for (see `UNKNOWN_STATE`); normally 0. */
  unknown: number;
}

/** What every read reports about itself. */
export interface ReadInfo {
  /** `process.platform` of the host that was read. */
  platform: NodeJS.Platform;
  /** Where the table came from: `'netlink'` or `'procfs'` on Linux, `'GetExtendedTcpTable'` on Windows. */
  source: string;
  /** Inode of the network namespace that was read (compare with `stat /proc/self/ns/net`); 0 where there are none. */
  netnsInode: number;
  /** When the read started, in ms since the epoch. */
  timestamp: number;
  /** How long the read took, in ms. */
  durationMs: number;
  /** False when the OS reported that the table changed during the read (Linux `NLM_F_DUMP_INTR`). */
  consistent: boolean;
}

export interface Snapshot extends ReadInfo {
  /** Every socket read: the sum of `states` plus `unknown`. */
  total: number;
  states: StateCounts;
  /** Sockets in a raw state this version has no name for (see `UNKNOWN_STATE`); normally 0. */
  unknown: number;
  ipv4: FamilyCounts;
  ipv6: FamilyCounts;
}

export interface Socket {
  family: Family;
  /** The normalized state; `'UNKNOWN'` for a raw OS state this version has no name for. */
  state: TcpState | typeof UNKNOWN_STATE;
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
  /** Owning process id; `null` where the OS gives none (Linux), and on Windows where it names none (PID 0: TIME_WAIT, and every row under Wine). */
  pid: number | null;
  /** Inode of the network namespace the socket lives in; 0 where there are none. */
  netnsInode: number;
}

/** Where a setting's value came from; `null` when nothing was found. */
export type SettingSource = 'sysctl' | 'registry' | 'wmi' | 'netsh' | 'constant' | 'default';

/** One raw setting that bounds the ephemeral ports. */
export interface Setting<T = number> {
  /** The value as read; `null` when the OS does not have it (an older kernel, an unset registry value). */
  value: T | null;
  /** Where the value came from: read (`sysctl`, `registry`, `wmi`), a kernel `constant`, or an assumed `default`. */
  source: SettingSource | null;
  /** The setting's own name on the OS, e.g. `net.ipv4.tcp_tw_reuse`. */
  name: string;
  /** A caveat about the value, e.g. where the OS's documentation disagrees on a default. */
  note?: string;
  /** Set when the OS holds a value that is not used (and `value`/`source` say what applies instead). */
  rejected?: {
    /** `wrong-type`: not a REG_DWORD; `out-of-range`: outside the documented range; `unreadable`: the read failed. */
    reason: RejectReason;
    /** The number the OS holds, when it holds one. */
    value: number | null;
  };
}

/** Why a value the OS holds is not used. */
export type RejectReason = 'wrong-type' | 'out-of-range' | 'unreadable';

/** Every raw value behind ephemeralRange(), by platform. Linux names are the sysctls'. */
export interface RangeSettings {
  /** `net.ipv4.ip_local_port_range` (Linux). */
  ipLocalPortRange?: Setting<[number, number]>;
  /** `net.ipv4.ip_local_reserved_ports`, as the kernel lists it (Linux). */
  ipLocalReservedPorts?: Setting<string>;
  /** `net.ipv4.tcp_tw_reuse`: 0 off, 1 on, 2 loopback only (Linux). */
  tcpTwReuse?: Setting;
  /** `net.ipv4.tcp_tw_reuse_delay` in ms, on kernels that have it (Linux). */
  tcpTwReuseDelay?: Setting;
  /** `net.ipv4.tcp_timestamps`; TIME_WAIT reuse needs timestamps (Linux). */
  tcpTimestamps?: Setting;
  /** `net.ipv4.tcp_fin_timeout` in s: how long an orphaned FIN_WAIT2 lasts. It does not change TIME_WAIT (Linux). */
  tcpFinTimeout?: Setting;
  /** `net.ipv4.tcp_max_tw_buckets`: above it the kernel destroys new TIME_WAIT sockets at once (Linux). */
  tcpMaxTwBuckets?: Setting;
  /** Registry `MaxUserPort` (5000-65534), the legacy top of the ephemeral range; `null` when unset (Windows). */
  maxUserPort?: Setting;
  /** Registry `TcpTimedWaitDelay` in s (30-300); `null` when unset (Windows). */
  tcpTimedWaitDelay?: Setting;
  /** `MSFT_NetTCPSetting.DynamicPortRangeStartPort` from WMI, or the default 49152 (Windows). */
  dynamicPortStart?: Setting;
  /** `MSFT_NetTCPSetting.DynamicPortRangeNumberOfPorts` from WMI, or the default 16384 (Windows). */
  dynamicPortCount?: Setting;
  /**
   * The excluded port ranges (Hyper-V, WinNAT, WSL2, Docker reserve blocks), as `[start, end]`
   * pairs from `netsh int ipv4|ipv6 show excludedportrange protocol=tcp`; `null` when netsh gave
   * no list that could be read (Windows).
   */
  excludedPortRanges?: Setting<Array<[number, number]>>;
  /** `MSFT_NetTCPSetting.AutoReusePortRange*` as `[start, end]`: ports connects without bind() may share per destination (newer Windows Server); `null` where unset. */
  autoReusePortRange?: Setting<[number, number]>;
  /** How long a TIME_WAIT socket holds its port, in seconds. */
  timeWaitSeconds: Setting;
}

export interface EphemeralRange {
  /** First port of the range. */
  low: number;
  /** Last port of the range (inclusive). */
  high: number;
  /** `high - low + 1`. */
  size: number;
  /** Ports of the range that the OS will not hand out (Linux `ip_local_reserved_ports`, Windows' excluded port ranges). */
  reserved: number;
  /** `size - reserved`: ports the range can hand out at once (to one destination, or to the whole host: `portScope`). */
  available: number;
  /**
   * `'destination'` where one local port serves connections to different destinations (Linux:
   * unique per local address, remote address and remote port); `'host'` where each connection
   * takes a port of its own (Windows, for every connect() made after a bind() to port 0, which is
   * how Node connects): there the verdict is made on `Pressure.hostPorts`.
   */
  portScope: 'destination' | 'host';
  /** How long a closed connection holds its port in TIME_WAIT. */
  timeWaitSeconds: number;
  /** `available / timeWaitSeconds`: new connections per second one destination sustains without TIME_WAIT reuse. */
  maxConnectRate: number;
  /**
   * To which destinations `connect()` may take over a TIME_WAIT port once it is older than
   * `reuseDelayMs`: `'all'` (Linux `tcp_tw_reuse` 1), `'loopback'` (2: a loopback end), `'none'`.
   * Needs `tcp_timestamps`; Windows has no such setting.
   */
  timeWaitReuse: 'none' | 'loopback' | 'all';
  /** How old a TIME_WAIT socket must be before reuse may take it (Linux `tcp_tw_reuse_delay`, 1000 ms before it existed); `null` without reuse. */
  reuseDelayMs: number | null;
  /** `available / (reuseDelayMs / 1000)`: new connections per second one destination sustains where reuse applies; `null` where it applies to none. */
  maxReuseConnectRate: number | null;
  settings: RangeSettings;
  /** Inode of the network namespace whose settings these are; 0 where there are none. */
  netnsInode: number;
}

/** One destination: connections from one local address to one remote address and port. */
export interface Destination {
  /** IPv4-mapped IPv6 sockets are counted as IPv4. */
  family: Family;
  localAddress: string;
  remoteAddress: string;
  remotePort: number;
  /** Sockets to this destination whose local port lies in the ephemeral range, in any state. */
  portsInUse: number;
  timeWait: number;
  established: number;
  /** Sockets in any other state. */
  other: number;
  /** TIME_WAIT sockets of this destination whose port `connect()` may take again now (TIME_WAIT reuse); 0 where reuse does not apply. */
  reusable: number;
  /**
   * The share of the available ports that `connect()` cannot take for this destination now:
   * `(portsInUse - reusable + hostPorts.listening) / available`, at most 1. At 1 it fails with EADDRNOTAVAIL.
   */
  utilization: number;
  /** New connections per second this destination sustains: `range.maxReuseConnectRate` where TIME_WAIT reuse applies to it, else `range.maxConnectRate`. */
  maxConnectRate: number;
  /** Recent closes per second (see README: the youngest TIME_WAIT sockets, or the time since the previous read); `null` where the OS gives no timers. */
  closeRate: number | null;
  /** Seconds until no port is left for it at the current rates; 0 while exhausted; `null` when it does not run out (the rate settles below the limit, or TIME_WAIT reuse keeps it from running out). */
  secondsToExhaustion: number | null;
  /**
   * `'exhausted'`: no port left, connect() fails now; `'at-limit'`: closing faster than `maxConnectRate`,
   * or at 90 % of it or more with above 80 % utilization (saturated), or running out at the current rates; `'high'`: above 80 % utilization; else `'fine'`.
   */
  status: DestinationStatus;
  /** With `pressure({ tracer })`: connect() attempts to this remote address and port per second (see traceConnects). */
  demand?: number;
  /** With `pressure({ tracer })`: failed connect() attempts to it per second. */
  failureRate?: number;
}

export type DestinationStatus = 'fine' | 'high' | 'at-limit' | 'exhausted';

/** The ports of the range held host-wide: the pool `bind()`-before-`connect()` clients and listeners draw from. */
export interface HostPorts {
  /** Distinct local ports of the range held by any socket read (listeners included). */
  inUse: number;
  /** Distinct listening ports inside the range: unavailable to every destination. */
  listening: number;
  /** `range.available - inUse`: ports a `bind()` to port 0 can still take. */
  available: number;
  /** `inUse / range.available`; at 1, `bind()` to port 0 fails with EADDRINUSE. */
  utilization: number;
}

/** The kernel's cumulative TCP counters for the namespace read; `null` where the OS lacks one. */
export interface TcpCounters {
  /** Connections this host opened (Linux Tcp ActiveOpens, Windows dwActiveOpens): every connect() that sent a SYN. */
  activeOpens: number | null;
  /** Connections accepted (PassiveOpens). */
  passiveOpens: number | null;
  /** Connection attempts that failed after the SYN (AttemptFails); a connect() refused with EADDRNOTAVAIL never gets that far. */
  attemptFails: number | null;
  /** Established connections reset (EstabResets). */
  estabResets: number | null;
  /** TIME_WAIT sockets that ran their full time (TcpExt TW). */
  timeWaitExpired: number | null;
  /** TIME_WAIT sockets that connect() took over by reuse (TcpExt TWRecycled). */
  timeWaitRecycled: number | null;
  /** TIME_WAIT sockets ended early by a segment (TcpExt TWKilled). */
  timeWaitKilled: number | null;
  /** TIME_WAIT sockets never made because tcp_max_tw_buckets was full (TcpExt TCPTimeWaitOverflow). */
  timeWaitOverflow: number | null;
  /** Connections a full accept queue turned away (TcpExt ListenOverflows). */
  listenOverflows: number | null;
  /** Connection requests dropped on a listener (TcpExt ListenDrops). */
  listenDrops: number | null;
}

/** counters(): the TCP counters with the facts of the read. */
export interface Counters extends ReadInfo, TcpCounters {}

export type WarningCode =
  | 'DESTINATION_PORTS_HIGH'
  | 'DESTINATION_PORTS_EXHAUSTED'
  | 'CLOSE_RATE_ABOVE_LIMIT'
  | 'HOST_PORTS_HIGH'
  | 'TIME_WAIT_BUCKETS_FULL'
  | 'RANGE_NARROWER_THAN_DEFAULT'
  | 'RESERVED_PORTS_IN_RANGE'
  | 'MAX_USER_PORT_LIMITS_RANGE'
  | 'CONNECTS_FAILING';

export interface Warning {
  code: WarningCode;
  /** What is wrong and one line of advice. */
  message: string;
  destination?: Destination;
  /** CONNECTS_FAILING: the traced destination, its rates over the window and its most frequent errno. */
  connects?: ConnectDestination & { demand: number; failureRate: number; errno: keyof ConnectFailures };
}

export interface Pressure extends ReadInfo {
  range: EphemeralRange;
  /** TIME_WAIT sockets the read saw (within the filters). */
  timeWait: number;
  /**
   * Every TIME_WAIT socket of the network namespace read, whatever the filters, as the kernel
   * counts them against `tcp_max_tw_buckets` (Linux `/proc/net/sockstat` "tw", read with the
   * table: no walk); `null` where the OS keeps no such count (Windows).
   */
  namespaceTimeWait: number | null;
  /** TIME_WAIT sockets whose local port is in the ephemeral range: this host closed an outgoing connection first. */
  clientSideTimeWait: number;
  /** TIME_WAIT sockets whose local port is a listening port: this host's server closed first. */
  serverSideTimeWait: number;
  /** TIME_WAIT sockets that are neither (a client that bound a port outside the range). */
  otherTimeWait: number;
  /** Recent closes per second on the whole host (within the filters); `null` where the OS gives no timers. */
  closeRate: number | null;
  /** Ports of the range held host-wide (within the filters). */
  hostPorts: HostPorts;
  /** The kernel's TCP counters of the namespace read, taken with the table. */
  counters: TcpCounters;
  /** The sockets of the same read per state, as snapshot() with the same options gives them. */
  snapshot: Snapshot;
  /** Distinct destinations seen (the server side of connections is none); `destinations` holds the busiest `top` of them. */
  destinationCount: number;
  destinations: Destination[];
  warnings: Warning[];
}

/** Options of pressure(): the filters plus how many destinations to return. */
export interface PressureOptions extends Options {
  /** How many of the busiest destinations to return. Default 10. */
  top?: number;
  /**
   * A previous read of the same options (any result with its `timestamp`, such as the last
   * Pressure): close rates are then the closes since that read, counted exactly from the
   * TIME_WAIT timers, divided by the time between the two reads.
   */
  since?: { timestamp: number };
  /** A tracer from traceConnects(): destinations get `demand` and `failureRate`, and CONNECTS_FAILING warnings. */
  tracer?: ConnectTracer;
}

/** Options of watch(): the filters, the interval and a signal to stop. */
export interface WatchOptions extends Options {
  /** Time between reads, in ms. Default 1000. */
  intervalMs?: number;
  /** Ends the iteration when aborted. */
  signal?: AbortSignal;
}

/** One tick of watch(). */
export interface WatchTick extends Snapshot {
  /** Change per state since the previous tick; `null` on the first tick. */
  delta: StateCounts | null;
  /** `delta` per second of time between the two reads; `null` on the first tick. */
  ratePerSec: StateCounts | null;
}
