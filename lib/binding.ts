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

/** Counts per raw OS state, indexed by the raw value (length 16). */
export interface NativeCounts extends NativeReadInfo {
  ipv4: Uint32Array;
  ipv6: Uint32Array;
}

/** Native field bits of NativeTable.fields (native/table.h `Field`). */
export const FIELD_TIMER = 1 << 0;
export const FIELD_UID = 1 << 1;
export const FIELD_INODE = 1 << 2;
export const FIELD_QUEUES = 1 << 3;
export const FIELD_PID = 1 << 4;

/** Sockets as columns: entry i of every array describes socket i. */
export interface NativeTable extends NativeReadInfo {
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

/** Raw settings around the ephemeral range, as native/table.h PortSettings. */
export interface NativePortSettings extends NativeReadInfo {
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
  settings: NativePortSettings;
  timeWait: number;
  clientSideTimeWait: number;
  serverSideTimeWait: number;
  otherTimeWait: number;
  timedTimeWait: number;
  minTimerMs: number;
  destinationCount: number;
  destinations: NativeDestination[];
}

export interface NativeBinding {
  backend: 'linux' | 'win32' | 'unsupported';
  source: string | null;
  counts(query: NativeQuery): NativeCounts | NativeFailure;
  countsAsync(query: NativeQuery): Promise<NativeCounts | NativeFailure>;
  sockets(query: NativeQuery): NativeTable | NativeFailure;
  socketsAsync(query: NativeQuery): Promise<NativeTable | NativeFailure>;
  pressure(request: NativePressureRequest): NativePressure | NativeFailure;
  pressureAsync(request: NativePressureRequest): Promise<NativePressure | NativeFailure>;
  portSettings(query: NativeQuery): NativePortSettings | NativeFailure;
}

// The only place the addon is loaded: a prebuild when one matches, else the local build.
const load: (root: string) => unknown = require('node-gyp-build');

export const native = load(join(__dirname, '..')) as NativeBinding;
