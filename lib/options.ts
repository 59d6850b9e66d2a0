import { isIP } from 'node:net';

import { invalidArgType, invalidArgValue, outOfRange } from './errors';
import { STATES, type ReadSource, type TcpState } from './types';

/** An address filter, validated: `prefix` is within the family's length. */
export interface AddressSpec {
  address: string;
  prefix: number;
}

/** Options after validation, platform-neutral. */
export interface Filter {
  /** The network namespace file to read in; undefined = the caller's. */
  netns?: string;
  source: ReadSource;
  ipv4: boolean;
  ipv6: boolean;
  /** `null` = every state. */
  states: readonly TcpState[] | null;
  localPort?: [number, number];
  remotePort?: [number, number];
  localAddress?: AddressSpec;
  remoteAddress?: AddressSpec;
}

const FILTER_KEYS = [
  'netns', 'source', 'family', 'states', 'localPort', 'remotePort', 'localAddress', 'remoteAddress',
];
const SOURCES: readonly ReadSource[] = ['auto', 'netlink', 'procfs'];
const MAX_PATH_LENGTH = 4096;
const MAX_STATES_LENGTH = 64;
const STATE_SET: ReadonlySet<string> = new Set(STATES);

function own(object: object, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key)
    ? (object as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Checks an options argument. Only own properties are read, so values on
 * Object.prototype never leak in; unknown names are rejected. `extraKeys` are
 * options a particular call accepts besides the filters (it checks them itself).
 */
export function parseOptions(options: unknown, extraKeys: readonly string[] = []): Filter {
  const filter: Filter = { source: 'auto', ipv4: true, ipv6: true, states: null };
  if (options === undefined) return filter;
  checkKeys(options, [...FILTER_KEYS, ...extraKeys]);

  const netns = own(options, 'netns');
  if (netns !== undefined) filter.netns = parseNetns(netns);
  const source = own(options, 'source');
  if (source !== undefined) {
    if (typeof source !== 'string') throw invalidArgType('options.source', 'of type string', source);
    if (!SOURCES.includes(source as ReadSource)) {
      throw invalidArgValue('options.source', source, "must be 'auto', 'netlink' or 'procfs'");
    }
    filter.source = source as ReadSource;
  }

  const family = own(options, 'family');
  if (family !== undefined) {
    if (typeof family !== 'string') throw invalidArgType('options.family', 'of type string', family);
    if (family !== 'ipv4' && family !== 'ipv6' && family !== 'all') {
      throw invalidArgValue('options.family', family, "must be 'ipv4', 'ipv6' or 'all'");
    }
    filter.ipv4 = family !== 'ipv6';
    filter.ipv6 = family !== 'ipv4';
  }

  const states = own(options, 'states');
  if (states !== undefined) filter.states = parseStates(states);

  const localPort = own(options, 'localPort');
  if (localPort !== undefined) filter.localPort = parsePort('options.localPort', localPort);
  const remotePort = own(options, 'remotePort');
  if (remotePort !== undefined) filter.remotePort = parsePort('options.remotePort', remotePort);

  const localAddress = own(options, 'localAddress');
  if (localAddress !== undefined) {
    filter.localAddress = parseAddress('options.localAddress', localAddress);
  }
  const remoteAddress = own(options, 'remoteAddress');
  if (remoteAddress !== undefined) {
    filter.remoteAddress = parseAddress('options.remoteAddress', remoteAddress);
  }
  return filter;
}

/** Throws unless `options` is an object whose own keys are all in `known`. */
function checkKeys(options: unknown, known: readonly string[]): asserts options is object {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgType('options', 'of type object', options);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw invalidArgValue(`options.${key}`, own(options, key), `is not a known option (known: ${known.join(', ')})`);
    }
  }
}

/** A `netns` option: the path of a network namespace file. */
export function parseNetns(value: unknown): string {
  if (typeof value !== 'string') throw invalidArgType('options.netns', 'of type string', value);
  if (value.length === 0 || value.length > MAX_PATH_LENGTH || value.includes('\0')) {
    throw invalidArgValue('options.netns', value, 'must be the path of a network namespace file, such as /var/run/netns/NAME or /proc/PID/ns/net');
  }
  return value;
}

/** ephemeralRange() options: only `netns`. */
export function parseRangeOptions(options: unknown): { netns?: string } {
  if (options === undefined) return {};
  checkKeys(options, ['netns']);
  const netns = own(options, 'netns');
  return netns === undefined ? {} : { netns: parseNetns(netns) };
}

function parseStates(value: unknown): TcpState[] {
  if (!Array.isArray(value)) {
    throw invalidArgType('options.states', 'an array of state names', value);
  }
  if (value.length === 0) {
    throw invalidArgValue('options.states', value, 'must name at least one state');
  }
  if (value.length > MAX_STATES_LENGTH) {
    throw outOfRange('options.states.length', `<= ${MAX_STATES_LENGTH}`, value.length);
  }
  const seen = new Set<TcpState>();
  for (let i = 0; i < value.length; i++) {
    const state: unknown = value[i];
    if (typeof state !== 'string') throw invalidArgType(`options.states[${i}]`, 'of type string', state);
    if (!STATE_SET.has(state)) {
      throw invalidArgValue(`options.states[${i}]`, state, `must be one of ${STATES.join(', ')}`);
    }
    seen.add(state as TcpState);
  }
  return STATES.filter((s) => seen.has(s));
}

function checkPort(name: string, value: unknown): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw outOfRange(name, 'an integer >= 0 and <= 65535', value);
  }
  return value;
}

function parsePort(name: string, value: unknown): [number, number] {
  if (typeof value === 'number') {
    const port = checkPort(name, value);
    return [port, port];
  }
  if (!Array.isArray(value)) {
    throw invalidArgType(name, 'a port number or a [min, max] array', value);
  }
  if (value.length !== 2) throw invalidArgValue(name, value, 'must be a [min, max] pair');
  const min = checkPort(`${name}[0]`, value[0]);
  const max = checkPort(`${name}[1]`, value[1]);
  if (min > max) throw invalidArgValue(name, value, 'must have min <= max');
  return [min, max];
}

const MAX_ADDRESS_LENGTH = 64;

function parseAddress(name: string, value: unknown): AddressSpec {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  const bad = (why: string) => invalidArgValue(name, value, why);
  if (value.length > MAX_ADDRESS_LENGTH) throw bad('is not an IP address or CIDR');
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  const version = isIP(address);
  // isIP accepts IPv6 zone ids ('fe80::1%eth0'); the kernel filter has no use for them.
  if ((version !== 4 && version !== 6) || address.includes('%')) {
    throw bad('must be an IP address or CIDR, such as 10.0.0.0/8 or ::1');
  }
  const bits = version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash !== -1) {
    const text = value.slice(slash + 1);
    if (!/^\d{1,3}$/.test(text) || Number(text) > bits) {
      throw bad(`must have a prefix length from 0 to ${bits}`);
    }
    prefix = Number(text);
  }
  return { address, prefix };
}

/** How many destinations pressure() and the metrics keep by default, and at most. */
export const DEFAULT_TOP = 10;
export const MAX_TOP = 100000;
const DEFAULT_INTERVAL_MS = 1000;
/** The longest delay a Node timer takes. */
const MAX_INTERVAL_MS = 2 ** 31 - 1;

function integerOption(options: unknown, key: string, fallback: number, min: number, max: number): number {
  const value = options === undefined ? undefined : own(options as object, key);
  if (value === undefined) return fallback;
  const name = `options.${key}`;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw outOfRange(name, `an integer >= ${min} and <= ${max}`, value);
  }
  return value;
}

/**
 * pressure() options: the filters, `top`, `since` (the ms since that previous read, or null)
 * and `tracer` (checked by the caller).
 */
export function parsePressureOptions(options: unknown): { filter: Filter; top: number; sinceMs: number | null; tracer?: unknown } {
  const filter = parseOptions(options, ['top', 'since', 'tracer']);
  const top = integerOption(options, 'top', DEFAULT_TOP, 0, MAX_TOP);
  const tracer = options === undefined ? undefined : own(options as object, 'tracer');
  const parsed: { filter: Filter; top: number; sinceMs: number | null; tracer?: unknown } = { filter, top, sinceMs: null };
  if (tracer !== undefined) parsed.tracer = tracer;
  const since = options === undefined ? undefined : own(options as object, 'since');
  if (since === undefined) return parsed;
  if (since === null || typeof since !== 'object') {
    throw invalidArgType('options.since', 'an object with a timestamp (a previous result)', since);
  }
  const timestamp = own(since, 'timestamp');
  if (typeof timestamp !== 'number') throw invalidArgType('options.since.timestamp', 'of type number', timestamp);
  if (!Number.isFinite(timestamp) || timestamp < 0) {
    throw outOfRange('options.since.timestamp', 'a time in ms since the epoch', timestamp);
  }
  parsed.sinceMs = Date.now() - timestamp;
  return parsed;
}

/** watch() options: the filters, `intervalMs` and `signal`. */
export function parseWatchOptions(options: unknown): {
  filter: Filter;
  intervalMs: number;
  signal: AbortSignal | undefined;
} {
  const filter = parseOptions(options, ['intervalMs', 'signal']);
  const intervalMs = integerOption(options, 'intervalMs', DEFAULT_INTERVAL_MS, 1, MAX_INTERVAL_MS);
  const signal = options === undefined ? undefined : own(options as object, 'signal');
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalidArgType('options.signal', 'an instance of AbortSignal', signal);
  }
  return { filter, intervalMs, signal };
}

/** The exporters' options (createMetricsReader, the prom-client and OpenTelemetry integrations). */
export function parseMetricsOptions(options: unknown): { top: number; minIntervalMs: number; netns?: string; tracer?: unknown } {
  if (options !== undefined) checkKeys(options, ['top', 'minIntervalMs', 'netns', 'tracer']);
  const parsed: { top: number; minIntervalMs: number; netns?: string; tracer?: unknown } = {
    top: integerOption(options, 'top', DEFAULT_TOP, 0, MAX_TOP),
    minIntervalMs: integerOption(options, 'minIntervalMs', 0, 0, MAX_INTERVAL_MS),
  };
  const netns = options === undefined ? undefined : own(options as object, 'netns');
  if (netns !== undefined) parsed.netns = parseNetns(netns);
  const tracer = options === undefined ? undefined : own(options as object, 'tracer');
  if (tracer !== undefined) parsed.tracer = tracer;
  return parsed;
}

const ALL_KEYS = ['concurrency', 'walk', 'walkMinSockets'];
export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 64;

/**
 * snapshotAll() and pressureAll() options: the filters of the single call (checked here, before
 * any read; `netns` is not one of them) and how the namespaces are read. `pass` holds the
 * filters to give each single read.
 */
export function parseAllOptions(options: unknown, pressure: boolean, defaultMinSockets: number): {
  pass: Record<string, unknown>;
  concurrency: number;
  walk: 'auto' | 'always';
  walkMinSockets: number;
} {
  const pass: Record<string, unknown> = {};
  if (options !== undefined) {
    checkKeys(options, [...FILTER_KEYS.filter((k) => k !== 'netns'), ...(pressure ? ['top'] : []), ...ALL_KEYS]);
    for (const key of Object.keys(options)) if (!ALL_KEYS.includes(key)) pass[key] = own(options, key);
  }
  if (pressure) parsePressureOptions(pass);
  else parseOptions(pass);
  const walk = options === undefined ? undefined : own(options, 'walk');
  if (walk !== undefined) {
    if (typeof walk !== 'string') throw invalidArgType('options.walk', 'of type string', walk);
    if (walk !== 'auto' && walk !== 'always') throw invalidArgValue('options.walk', walk, "must be 'auto' or 'always'");
  }
  return {
    pass,
    concurrency: integerOption(options, 'concurrency', DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY),
    walk: walk ?? 'auto',
    walkMinSockets: integerOption(options, 'walkMinSockets', defaultMinSockets, 0, Number.MAX_SAFE_INTEGER),
  };
}
