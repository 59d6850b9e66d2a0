import { join } from 'node:path';

import type { ErrorCode } from './errors';

/** The query the native layer reads; built by the facade from validated options. */
export interface NativeQuery {
  netns?: string;
  source?: 'auto' | 'netlink' | 'procfs';
  ipv4: boolean;
  ipv6: boolean;
  /** Bitmask of raw OS states (bit n = raw state n). */
  states: number;
  localPort?: [number, number];
  remotePort?: [number, number];
  localAddress?: { address: string; prefix: number };
  remoteAddress?: { address: string; prefix: number };
}

export interface NativeError {
  code: ErrorCode;
  errno: number;
  syscall: string | null;
  message: string;
}

export interface NativeFailure {
  error: NativeError;
}

export interface NativeReadInfo {
  error?: undefined;
  /** What was read ('netlink', 'procfs'); null when nothing had to be. */
  source: string | null;
  netnsInode: number;
  consistent: boolean;
  timestamp: number;
  durationMs: number;
}

/** Counts per raw OS state, indexed by the raw value (length `constants.rawStates`). */
export interface NativeSnapshot extends NativeReadInfo {
  ipv4: Uint32Array;
  ipv6: Uint32Array;
}

/** Sockets as columns: entry i of every array describes socket i. */
export interface NativeSocketTable extends NativeReadInfo {
  count: number;
  fields: number;
  family: Uint8Array;
  state: Uint8Array;
  timer: Uint8Array;
  localPort: Uint16Array;
  remotePort: Uint16Array;
  timerMs: Uint32Array;
  uid: Uint32Array;
  inode: Uint32Array;
  recvQueue: Uint32Array;
  sendQueue: Uint32Array;
  pid: Uint32Array;
  /** Indexes into `addresses`. */
  localAddress: Uint32Array;
  remoteAddress: Uint32Array;
  addresses: string[];
}

/** The ephemeral range and the raw settings around it (native/results.h EphemeralRange). */
export interface NativeEphemeralRange extends NativeReadInfo {
  low: number;
  high: number;
  rangeSource: 'sysctl' | 'registry' | 'wmi' | 'default';
  /** The reserved-ports list as the OS gives it, or null when the OS has none. */
  reservedList: string | null;
  reservedInRange: number;
  /** A caveat about where the range came from (Windows: a default used while WMI had not answered), or null. */
  note: string | null;
  /** Other raw values by their OS name. */
  values: Record<string, {
    value: number | null;
    source: 'sysctl' | 'registry' | 'wmi' | null;
    /** Why a value the OS holds is not to be used; `value` keeps an out-of-range number. */
    rejected?: 'wrong-type' | 'out-of-range' | 'unreadable';
  }>;
}

/** pressure(): the query, the raw states to tell apart, and timer thresholds in ms left on a TIME_WAIT timer. */
export interface NativePressureRequest {
  query: NativeQuery;
  listenStates: number;
  timeWaitState: number;
  establishedState: number;
  top: number;
  /** Timers at or above it closed within the last second. */
  recentTimerMs: number;
  /** Timers at or above it closed since the previous read (above the TIME_WAIT length: none asked). */
  sinceTimerMs: number;
  /** Timers at or below it expire soon: the horizon of the expiry rate. */
  soonTimerMs: number;
  /** The TIME_WAIT length timers count down from; timers at or below it less the reuse delay are past that delay. */
  timeWaitMs: number;
  /** The range setting (as the native range names it) that holds the reuse delay in ms, read with the table. */
  reuseDelaySetting: string;
  /** The reuse delay when that setting is absent. */
  reuseDelayDefaultMs: number;
}

/** What the TIME_WAIT timers of some sockets tell, counted against the request's thresholds. */
export interface NativeTimers {
  timed: number;
  /** The least time left (the oldest close); 0 without timers. */
  minTimerMs: number;
  recent: number;
  sinceLastRead: number;
  pastReuseDelay: number;
  expiringSoon: number;
  /** The largest timers (the youngest closes), at most 16, largest first. */
  youngestTimerMs: number[];
}

export interface NativeDestination {
  family: number;
  localAddress: string;
  remoteAddress: string;
  remotePort: number;
  portsInUse: number;
  timeWait: number;
  established: number;
  other: number;
  timers: NativeTimers;
}

/** The kernel's TCP counters, by their public names (native/results.h kCounterNames). */
export interface NativeCounters extends NativeReadInfo {
  values: Record<string, number | null>;
}

export interface NativePressure extends NativeReadInfo {
  range: NativeEphemeralRange;
  snapshot: NativeSnapshot;
  counters: NativeCounters;
  timeWait: number;
  namespaceTimeWait: number | null;
  clientSideTimeWait: number;
  serverSideTimeWait: number;
  otherTimeWait: number;
  timers: NativeTimers;
  hostPortsInUse: number;
  hostPortsListening: number;
  destinationCount: number;
  destinations: NativeDestination[];
}

/** Numbers the native side owns (native/records.h, native/errors.h); the facade keeps no copy. */
export interface NativeConstants {
  /** Length of the per-state count arrays: every raw state a 32-bit state mask can name. */
  rawStates: number;
  /** Bits of NativeSocketTable.fields: which row fields the backend fills. */
  fields: { timer: number; uid: number; inode: number; queues: number; pid: number };
  /** Every code a native failure can carry. */
  errorCodes: string[];
}

/** The addon's exports: each read under the name of the public call it serves. */
export interface NativeBinding {
  backend: 'linux' | 'win32' | 'unsupported';
  source: string | null;
  constants: NativeConstants;
  snapshot(query: NativeQuery): NativeSnapshot | NativeFailure;
  snapshotAsync(query: NativeQuery): Promise<NativeSnapshot | NativeFailure>;
  sockets(query: NativeQuery): NativeSocketTable | NativeFailure;
  socketsAsync(query: NativeQuery): Promise<NativeSocketTable | NativeFailure>;
  pressure(request: NativePressureRequest): NativePressure | NativeFailure;
  pressureAsync(request: NativePressureRequest): Promise<NativePressure | NativeFailure>;
  ephemeralRange(query: NativeQuery): NativeEphemeralRange | NativeFailure;
  counters(query: NativeQuery): NativeCounters | NativeFailure;
}

// The only place the addon is loaded: a prebuild when one matches, else the local build.
const load: (root: string) => unknown = require('node-gyp-build');

export const native = load(join(__dirname, '..')) as NativeBinding;
