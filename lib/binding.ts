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
  /** Other raw values by their OS name. */
  values: Record<string, {
    value: number | null;
    source: 'sysctl' | 'registry' | 'wmi' | null;
    /** Why a value the OS holds is not to be used; `value` keeps an out-of-range number. */
    rejected?: 'wrong-type' | 'out-of-range' | 'unreadable';
  }>;
}

export interface NativePressureRequest {
  query: NativeQuery;
  listenStates: number;
  timeWaitState: number;
  establishedState: number;
  top: number;
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
  /** TIME_WAIT sockets that report their timer, and the least time left among them. */
  timedTimeWait: number;
  minTimerMs: number;
}

export interface NativePressure extends NativeReadInfo {
  range: NativeEphemeralRange;
  timeWait: number;
  clientSideTimeWait: number;
  serverSideTimeWait: number;
  otherTimeWait: number;
  timedTimeWait: number;
  minTimerMs: number;
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
}

// The only place the addon is loaded: a prebuild when one matches, else the local build.
const load: (root: string) => unknown = require('node-gyp-build');

export const native = load(join(__dirname, '..')) as NativeBinding;
