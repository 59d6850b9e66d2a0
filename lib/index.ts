import {
  native,
  type NativeSnapshot,
  type NativeFailure,
  type NativePressure,
  type NativePressureRequest,
  type NativeQuery,
  type NativeReadInfo,
} from './binding';
import { toError, toSnapshot, toSockets } from './normalize';
import {
  parseOptions,
  parsePressureOptions,
  parseRangeOptions,
  parseWatchOptions,
  type Filter,
} from './options';
import { platformFor } from './platform';
import { stateMask, stateNames } from './platform/table';
import { timerThresholds, toCounters, toEphemeralRange, toPressure } from './ports';
import type {
  Counters,
  EphemeralRange,
  Options,
  Pressure,
  PressureOptions,
  Snapshot,
  Socket,
  WatchOptions,
  WatchTick,
} from './types';
import { checkTracer, withConnectRates, type ConnectTracer } from './trace';
import { ticks } from './watch';
import { pressureAllWith, snapshotAllWith, unsupported } from './all';
import { listNamespaces } from './namespaces';
import type {
  AllResult, NamespaceList, PressureAllEntry, PressureAllOptions, SnapshotAllEntry, SnapshotAllOptions,
} from './netns-types';

export { STATES, UNKNOWN_STATE } from './types';
export type {
  Counters,
  Destination,
  DestinationStatus,
  HostPorts,
  TcpCounters,
  EphemeralRange,
  Family,
  FamilyCounts,
  Options,
  PortFilter,
  Pressure,
  PressureOptions,
  RangeSettings,
  ReadInfo,
  ReadSource,
  RejectReason,
  Setting,
  SettingSource,
  Snapshot,
  Socket,
  StateCounts,
  TcpState,
  Warning,
  WarningCode,
  WatchOptions,
  WatchTick,
} from './types';
export type {
  AllOptions, AllResult, ContainerInfo, NamespaceCounts, NamespaceList, NamespaceResult, NetworkNamespace,
  PressureAllEntry, PressureAllOptions, SnapshotAllEntry, SnapshotAllOptions, WalkMode,
} from './netns-types';
export { ERROR_CODES, TcpStateError } from './errors';
export { traceConnects } from './trace';
export type { ConnectDestination, ConnectFailures, ConnectProcess, ConnectStats, ConnectTracer, TraceOptions } from './trace';
export type { ErrorCode, TcpStateErrorDetails } from './errors';

const platform = platformFor(native.backend);
const names = stateNames(platform);
const backendSource = native.source ?? 'none';

/** What a read reports as its source; a read that needed no I/O reports what it would have used. */
function sourceOf(read: NativeReadInfo, query: NativeQuery): string {
  return read.source ?? (query.source && query.source !== 'auto' ? query.source : backendSource);
}

function toQuery(filter: Filter): NativeQuery {
  const query: NativeQuery = {
    source: filter.source,
    ipv4: filter.ipv4,
    ipv6: filter.ipv6,
    states: stateMask(platform, filter.states),
  };
  if (filter.netns !== undefined) query.netns = filter.netns;
  if (filter.localPort) query.localPort = filter.localPort;
  if (filter.remotePort) query.remotePort = filter.remotePort;
  if (filter.localAddress) query.localAddress = filter.localAddress;
  if (filter.remoteAddress) query.remoteAddress = filter.remoteAddress;
  return query;
}

function unwrap<T extends object>(result: T | NativeFailure): T {
  if ('error' in result && result.error) throw toError(result.error);
  return result as T;
}

function readSnapshot(result: NativeSnapshot | NativeFailure, query: NativeQuery): Snapshot {
  const read = unwrap(result);
  return toSnapshot(read, names, sourceOf(read, query));
}

/** Counts of TCP sockets per state and family. One small object, however many sockets. */
export function snapshot(options?: Options): Snapshot {
  const query = toQuery(parseOptions(options));
  return readSnapshot(native.snapshot(query), query);
}

/** Like snapshot(), read on the libuv thread pool. */
export async function snapshotAsync(options?: Options): Promise<Snapshot> {
  const query = toQuery(parseOptions(options));
  return readSnapshot(await native.snapshotAsync(query), query);
}

/** One row per TCP socket that matches the options. */
export function sockets(options?: Options): Socket[] {
  const query = toQuery(parseOptions(options));
  return toSockets(unwrap(native.sockets(query)), platform, names, native.constants.fields);
}

/** Like sockets(), read on the libuv thread pool. */
export async function socketsAsync(options?: Options): Promise<Socket[]> {
  const query = toQuery(parseOptions(options));
  return toSockets(unwrap(await native.socketsAsync(query)), platform, names, native.constants.fields);
}

/** The ephemeral port range, the settings that bound it, and the connect rate it sustains. */
export function ephemeralRange(options?: { netns?: string }): EphemeralRange {
  const { netns } = parseRangeOptions(options);
  const query: NativeQuery = { ipv4: true, ipv6: true, states: 0 };
  if (netns !== undefined) query.netns = netns;
  return toEphemeralRange(unwrap(native.ephemeralRange(query)), platform);
}

interface PressureCall {
  request: NativePressureRequest;
  sinceMs: number | null;
  tracer: ConnectTracer | undefined;
}

function pressureRequest(options: unknown): PressureCall {
  const { filter, top, sinceMs, tracer } = parsePressureOptions(options);
  const thresholds = timerThresholds(platform, sinceMs);
  const request: NativePressureRequest = {
    query: toQuery(filter),
    listenStates: stateMask(platform, ['LISTEN']),
    timeWaitState: platform.raw.TIME_WAIT[0] ?? 0,
    establishedState: platform.raw.ESTABLISHED[0] ?? 0,
    top,
    ...thresholds,
  };
  // The exact count since the previous read applies when that read lies inside one TIME_WAIT period.
  const counted = thresholds.sinceTimerMs <= thresholds.timeWaitMs;
  return { request, sinceMs: counted ? sinceMs : null, tracer: tracer === undefined ? undefined : checkTracer(tracer) };
}

function readPressure(result: NativePressure | NativeFailure, call: PressureCall): Pressure {
  const read = unwrap(result);
  const source = sourceOf(read, call.request.query);
  const counts = toSnapshot(read.snapshot, names, source);
  const pressure = toPressure(read, platform, source, counts, call.sinceMs === null ? null : call.sinceMs / 1000);
  // With a tracer: the destinations' connect rates and CONNECTS_FAILING (lib/trace.ts).
  return call.tracer ? withConnectRates(pressure, call.tracer) : pressure;
}

/** Ephemeral port use per destination, close rates and warnings, from one read of the table. */
export function pressure(options?: PressureOptions): Pressure {
  const call = pressureRequest(options);
  return readPressure(native.pressure(call.request), call);
}

/** Like pressure(), read on the libuv thread pool. */
export async function pressureAsync(options?: PressureOptions): Promise<Pressure> {
  const call = pressureRequest(options);
  return readPressure(await native.pressureAsync(call.request), call);
}

/** The kernel's cumulative TCP counters for the namespace (no walk of the table). */
export function counters(options?: { netns?: string }): Counters {
  const { netns } = parseRangeOptions(options);
  const query: NativeQuery = { ipv4: true, ipv6: true, states: 0 };
  if (netns !== undefined) query.netns = netns;
  const read = unwrap(native.counters(query));
  return {
    platform: process.platform,
    source: read.source ?? backendSource,
    netnsInode: read.netnsInode,
    timestamp: read.timestamp,
    durationMs: read.durationMs,
    consistent: read.consistent,
    ...toCounters(read.values),
  };
}

/**
 * An async iterator of snapshots every `intervalMs` (default 1000), each with the
 * change per state since the previous one. Reads run off the event loop, one at a
 * time; the iteration ends on `break` or when `signal` aborts.
 */
export function watch(options?: WatchOptions): AsyncIterableIterator<WatchTick> {
  const { filter, intervalMs, signal } = parseWatchOptions(options);
  const query = toQuery(filter);
  const read = async () => readSnapshot(await native.snapshotAsync(query), query);
  return ticks(read, intervalMs, signal);
}

/**
 * Every network namespace the caller may see (Linux): inode, a path that enters it, its
 * `ip netns` names, its process count and its container. `hidden` on the array counts the
 * processes whose namespace the caller may not read.
 */
export async function namespaces(): Promise<NamespaceList> {
  if (process.platform !== 'linux') throw unsupported();
  return listNamespaces();
}

/** snapshotAsync() in every network namespace: one entry per namespace, a failed one as `error`. */
export function snapshotAll(options?: SnapshotAllOptions): Promise<AllResult<SnapshotAllEntry>> {
  return snapshotAllWith(snapshotAsync as (o: object) => Promise<Snapshot>, options);
}

/** pressureAsync() in every network namespace: one entry per namespace, a failed one as `error`. */
export function pressureAll(options?: PressureAllOptions): Promise<AllResult<PressureAllEntry>> {
  return pressureAllWith(pressureAsync as (o: object) => Promise<Pressure>, options);
}
