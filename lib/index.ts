import { native, type NativeFailure, type NativeQuery } from './binding';
import { toError, toSnapshot, toSockets } from './normalize';
import { parseOptions, type Filter } from './options';
import { tableFor } from './platform';
import { stateMask, stateNames } from './platform/table';
import type { Options, Snapshot, Socket } from './types';

export { STATES } from './types';
export type {
  Family,
  FamilyCounts,
  Options,
  PortFilter,
  Snapshot,
  Socket,
  StateCounts,
  TcpState,
} from './types';
export { ERROR_CODES, TcpStateError } from './errors';
export type { ErrorCode, TcpStateErrorDetails } from './errors';

const table = tableFor(native.backend);
const names = stateNames(table);
const source = native.source ?? 'none';

function toQuery(filter: Filter): NativeQuery {
  const query: NativeQuery = {
    ipv4: filter.ipv4,
    ipv6: filter.ipv6,
    states: stateMask(table, filter.states),
  };
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

/** Counts of TCP sockets per state and family. One small object, however many sockets. */
export function snapshot(options?: Options): Snapshot {
  const query = toQuery(parseOptions(options));
  return toSnapshot(unwrap(native.counts(query)), names, source);
}

/** Like snapshot(), read on the libuv thread pool. */
export async function snapshotAsync(options?: Options): Promise<Snapshot> {
  const query = toQuery(parseOptions(options));
  return toSnapshot(unwrap(await native.countsAsync(query)), names, source);
}

/** One row per TCP socket that matches the options. */
export function sockets(options?: Options): Socket[] {
  const query = toQuery(parseOptions(options));
  return toSockets(unwrap(native.sockets(query)), table, names);
}

/** Like sockets(), read on the libuv thread pool. */
export async function socketsAsync(options?: Options): Promise<Socket[]> {
  const query = toQuery(parseOptions(options));
  return toSockets(unwrap(await native.socketsAsync(query)), table, names);
}
