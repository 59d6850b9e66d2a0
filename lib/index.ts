import {
  native,
  type NativeCounts,
  type NativeFailure,
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
import { toPressure, toRange } from './ports';
import type {
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

export { STATES } from './types';
export type {
  Destination,
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

function countsToSnapshot(counts: NativeCounts | NativeFailure, query: NativeQuery): Snapshot {
  const read = unwrap(counts);
  return toSnapshot(read, names, sourceOf(read, query));
}

/** Counts of TCP sockets per state and family. One small object, however many sockets. */
export function snapshot(options?: Options): Snapshot {
  const query = toQuery(parseOptions(options));
  return countsToSnapshot(native.counts(query), query);
}

/** Like snapshot(), read on the libuv thread pool. */
export async function snapshotAsync(options?: Options): Promise<Snapshot> {
  const query = toQuery(parseOptions(options));
  return countsToSnapshot(await native.countsAsync(query), query);
}

/** One row per TCP socket that matches the options. */
export function sockets(options?: Options): Socket[] {
  const query = toQuery(parseOptions(options));
  return toSockets(unwrap(native.sockets(query)), platform, names);
}

/** Like sockets(), read on the libuv thread pool. */
export async function socketsAsync(options?: Options): Promise<Socket[]> {
  const query = toQuery(parseOptions(options));
  return toSockets(unwrap(await native.socketsAsync(query)), platform, names);
}

/** The ephemeral port range, the settings that bound it, and the connect rate it sustains. */
export function ephemeralRange(options?: { netns?: string }): EphemeralRange {
  const { netns } = parseRangeOptions(options);
  const query: NativeQuery = { ipv4: true, ipv6: true, states: 0 };
  if (netns !== undefined) query.netns = netns;
  return toRange(unwrap(native.portSettings(query)), platform);
}

function pressureRequest(options: unknown): [NativePressureRequest, ConnectTracer | undefined] {
  const { filter, top, tracer } = parsePressureOptions(options);
  return [{
    query: toQuery(filter),
    listenStates: stateMask(platform, ['LISTEN']),
    timeWaitState: platform.raw.TIME_WAIT[0] ?? 0,
    establishedState: platform.raw.ESTABLISHED[0] ?? 0,
    top,
  }, tracer === undefined ? undefined : checkTracer(tracer)];
}

/** With a tracer: the destinations' connect rates and CONNECTS_FAILING (lib/trace.ts). */
function traced(result: Pressure, tracer: ConnectTracer | undefined): Pressure {
  return tracer ? withConnectRates(result, tracer) : result;
}

/** Ephemeral port use per destination, close rates and warnings, from one read of the table. */
export function pressure(options?: PressureOptions): Pressure {
  const [request, tracer] = pressureRequest(options);
  const read = unwrap(native.pressure(request));
  return traced(toPressure(read, platform, sourceOf(read, request.query)), tracer);
}

/** Like pressure(), read on the libuv thread pool. */
export async function pressureAsync(options?: PressureOptions): Promise<Pressure> {
  const [request, tracer] = pressureRequest(options);
  const read = unwrap(await native.pressureAsync(request));
  return traced(toPressure(read, platform, sourceOf(read, request.query)), tracer);
}

/**
 * An async iterator of snapshots every `intervalMs` (default 1000), each with the
 * change per state since the previous one. Reads run off the event loop, one at a
 * time; the iteration ends on `break` or when `signal` aborts.
 */
export function watch(options?: WatchOptions): AsyncIterableIterator<WatchTick> {
  const { filter, intervalMs, signal } = parseWatchOptions(options);
  const query = toQuery(filter);
  const read = async () => countsToSnapshot(await native.countsAsync(query), query);
  return ticks(read, intervalMs, signal);
}
