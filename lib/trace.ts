// traceConnects(): counts TCP connect() attempts and their outcomes at the source, with an eBPF
// program (native/trace/), per destination and process, in every network namespace or one.
// The tracer lives in a separately loaded addon (tcpstate_trace), loaded on first use only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { TcpStateError, invalidArgType, invalidArgValue, outOfRange } from './errors';
import { parseNetns } from './options';
import type { Destination, Pressure, Warning } from './types';

/** Failures by errno. `other` holds every other errno, and connects closed before an answer. */
export interface ConnectFailures {
  EADDRNOTAVAIL: number;
  ECONNREFUSED: number;
  ETIMEDOUT: number;
  other: number;
}

export interface ConnectProcess {
  pid: number;
  /** The thread's name (`comm`, at most 15 characters) when it first connected to this destination. */
  comm: string;
  attempts: number;
  failures: number;
}

export interface ConnectDestination {
  /** The network namespace the connect() was made in. */
  netnsInode: number;
  /** IPv4-mapped IPv6 destinations are counted as IPv4. */
  family: 'ipv4' | 'ipv6';
  remoteAddress: string;
  remotePort: number;
  /** connect() calls that returned, whatever the result. */
  attempts: number;
  /** Attempts that reached ESTABLISHED (at once, or after EINPROGRESS). */
  established: number;
  failures: ConnectFailures;
  /** The busiest processes (most attempts), at most `MAX_PROCESSES`. */
  processes: ConnectProcess[];
}

export interface ConnectStats {
  /** When the tracer attached, ms since the epoch; every count is cumulative since then. */
  since: number;
  /** When this read was made, ms since the epoch. */
  timestamp: number;
  /** The namespace traced, or `null` for every namespace. */
  netnsInode: number | null;
  attempts: number;
  established: number;
  failures: ConnectFailures;
  /** Counts the full destination map could not take: in the totals, in no destination. */
  unattributed: { attempts: number; failures: number };
  /** Destinations the tracer holds (at most its capacity). */
  destinationCount: number;
  /** The `top` destinations with the most attempts. */
  destinations: ConnectDestination[];
}

export interface TraceOptions {
  /** Trace only this network namespace (a path such as /var/run/netns/NAME or /proc/PID/ns/net). Default: every namespace. */
  netns?: string;
  /** Destinations read() returns, the busiest first (default 100, 1-10000). The kernel keeps 16 times as many, 1,024 to 65,536. */
  top?: number;
}

export interface ConnectTracer {
  /** The namespace traced, or `null` for every namespace. */
  readonly netnsInode: number | null;
  /** When the programs were attached, ms since the epoch. */
  readonly since: number;
  readonly closed: boolean;
  /** The counts since attach; reads the kernel's maps, no walk of the socket table. */
  read(): ConnectStats;
  /** Detaches the programs and frees the maps and links. Safe to call more than once. */
  close(): void;
}

/** Processes kept per destination in read(). */
export const MAX_PROCESSES = 5;
const DEFAULT_TOP = 100;
const MAX_TOP = 10000;
/** Kernel map sizes: 16 destinations per `top`, within these bounds (a destination ~120 bytes). */
const MIN_CAPACITY = 1024;
const MAX_CAPACITY = 65536;
const OUTCOMES = 6; // attempts, established, EADDRNOTAVAIL, ECONNREFUSED, ETIMEDOUT, other

interface NativeTraceRead {
  error?: undefined;
  totals: Float64Array;
  destinations: {
    count: number; netns: Uint32Array; family: Uint8Array; port: Uint16Array; address: string[]; counts: Float64Array;
  };
  processes: { count: number; destination: Uint32Array; pid: Uint32Array; counts: Float64Array; comm: string[] };
}

interface NativeFailure {
  error: { code: TcpStateError['code']; errno: number; syscall: string | null; message: string };
}

interface NativeTracer {
  netnsInode: number;
  since: number;
  read(): NativeTraceRead | NativeFailure;
  close(): void;
}

interface TraceBinding {
  available: boolean;
  reason?: string;
  open?(options: { netns?: string; destinations: number; processes: number }): Promise<NativeTracer | NativeFailure>;
}

function unavailable(reason: string, errno = 0, syscall: string | null = null): TcpStateError {
  return new TcpStateError(`connect tracing is unavailable: ${reason}`, { code: 'TCPSTATE_TRACING_UNAVAILABLE', errno, syscall });
}

function failure(result: NativeFailure): TcpStateError {
  return new TcpStateError(result.error.message, result.error);
}

let binding: TraceBinding | Error | undefined;

/** The trace addon: the local build, else the prebuild; an Error saying why there is none. */
function loadBinding(): TraceBinding | Error {
  if (binding !== undefined) return binding;
  const root = join(__dirname, '..');
  const candidates = [
    join(root, 'build', 'Release', 'trace', 'tcpstate_trace.node'),
    join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'trace', 'tcpstate_trace.node'),
  ];
  const file = candidates.find((f) => existsSync(f));
  if (!file) {
    binding = unavailable(`this installation has no trace addon for ${process.platform}-${process.arch}`);
    return binding;
  }
  try {
    binding = require(file) as TraceBinding;
  } catch (error) {
    // Typically a missing libbpf.so.1 (Debian/Ubuntu: libbpf1, RHEL/Fedora: libbpf).
    binding = unavailable(`the trace addon does not load: ${(error as Error).message.split('\n')[0]} (it needs libbpf 1.x: libbpf.so.1)`);
  }
  return binding;
}

function parseTraceOptions(options: unknown): { netns?: string; top: number } {
  if (options === undefined) return { top: DEFAULT_TOP };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgType('options', 'of type object', options);
  }
  const own = (key: string): unknown =>
    Object.prototype.hasOwnProperty.call(options, key) ? (options as Record<string, unknown>)[key] : undefined;
  for (const key of Object.keys(options)) {
    if (key !== 'netns' && key !== 'top') {
      throw invalidArgValue(`options.${key}`, own(key), 'is not a known option (known: netns, top)');
    }
  }
  const parsed: { netns?: string; top: number } = { top: DEFAULT_TOP };
  const netns = own('netns');
  if (netns !== undefined) parsed.netns = parseNetns(netns);
  const top = own('top');
  if (top !== undefined) {
    if (typeof top !== 'number') throw invalidArgType('options.top', 'of type number', top);
    if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
      throw outOfRange('options.top', `an integer >= 1 and <= ${MAX_TOP}`, top);
    }
    parsed.top = top;
  }
  return parsed;
}

const failuresOf = (c: Float64Array, at: number): ConnectFailures => ({
  EADDRNOTAVAIL: c[at + 2] as number,
  ECONNREFUSED: c[at + 3] as number,
  ETIMEDOUT: c[at + 4] as number,
  other: c[at + 5] as number,
});

const failureSum = (f: ConnectFailures) => f.EADDRNOTAVAIL + f.ECONNREFUSED + f.ETIMEDOUT + f.other;

/** A destination's identity across reads. */
const keyOf = (d: { netnsInode: number; remoteAddress: string; remotePort: number }) =>
  `${d.netnsInode} ${d.remoteAddress} ${d.remotePort}`;

/** Every destination of a native read, the processes attached; `limit` = how many, busiest first. */
function destinationsOf(read: NativeTraceRead, limit: number): ConnectDestination[] {
  const { destinations: d, processes: p } = read;
  let order = Array.from({ length: d.count }, (_, i) => i);
  const attempts = (i: number) => d.counts[i * OUTCOMES] as number;
  order.sort((a, b) => attempts(b) - attempts(a) || a - b);
  if (order.length > limit) order = order.slice(0, limit);
  const out: ConnectDestination[] = [];
  const slot = new Map<number, ConnectDestination>();
  for (const i of order) {
    const dest: ConnectDestination = {
      netnsInode: d.netns[i] as number,
      family: d.family[i] === 6 ? 'ipv6' : 'ipv4',
      remoteAddress: d.address[i] as string,
      remotePort: d.port[i] as number,
      attempts: attempts(i),
      established: d.counts[i * OUTCOMES + 1] as number,
      failures: failuresOf(d.counts, i * OUTCOMES),
      processes: [],
    };
    out.push(dest);
    slot.set(i, dest);
  }
  for (let j = 0; j < p.count; j++) {
    const dest = slot.get(p.destination[j] as number);
    if (dest) {
      dest.processes.push({ pid: p.pid[j] as number, comm: p.comm[j] as string, attempts: p.counts[j * 2] as number, failures: p.counts[j * 2 + 1] as number });
    }
  }
  for (const dest of out) {
    dest.processes.sort((a, b) => b.attempts - a.attempts || b.failures - a.failures || a.pid - b.pid);
    if (dest.processes.length > MAX_PROCESSES) dest.processes.length = MAX_PROCESSES;
  }
  return out;
}

/** The rates a pressure() with this tracer reports: per destination, since the previous one. */
interface Sample {
  at: number;
  counts: Map<string, { attempts: number; failures: ConnectFailures }>;
}

class Tracer implements ConnectTracer {
  readonly netnsInode: number | null;
  readonly since: number;
  private handle: NativeTracer | null;
  private readonly top: number;
  /** The last sample the rates were taken from (for pressure({ tracer })). */
  lastSample: Sample | null = null;

  constructor(handle: NativeTracer, top: number, filtered: boolean) {
    this.handle = handle;
    this.top = top;
    this.netnsInode = filtered ? handle.netnsInode : null;
    this.since = handle.since;
  }

  get closed(): boolean {
    return this.handle === null;
  }

  /** The native read, or throws. */
  readNative(): NativeTraceRead {
    if (!this.handle) {
      throw new TcpStateError('the connect tracer is closed', { code: 'TCPSTATE_SYSTEM_ERROR', errno: 9, syscall: null });
    }
    const result = this.handle.read();
    if (result.error) throw failure(result);
    return result;
  }

  read(): ConnectStats {
    return this.statsOf(this.readNative(), this.top);
  }

  statsOf(read: NativeTraceRead, limit: number): ConnectStats {
    const t = read.totals;
    return {
      since: this.since,
      timestamp: Date.now(),
      netnsInode: this.netnsInode,
      attempts: t[0] as number,
      established: t[1] as number,
      failures: { EADDRNOTAVAIL: t[2] as number, ECONNREFUSED: t[3] as number, ETIMEDOUT: t[4] as number, other: t[5] as number },
      unattributed: { attempts: t[6] as number, failures: t[7] as number },
      destinationCount: read.destinations.count,
      destinations: destinationsOf(read, limit),
    };
  }

  close(): void {
    const handle = this.handle;
    this.handle = null;
    handle?.close();
  }
}

/**
 * Attaches the connect tracer (Linux 5.8+ with BTF; CAP_BPF and CAP_PERFMON, or root) and
 * counts until `close()`. Rejects with TCPSTATE_PERMISSION_DENIED without the privileges and
 * TCPSTATE_TRACING_UNAVAILABLE (with the reason) where the kernel, the platform or this build
 * cannot trace; the rest of the package works either way.
 */
export async function traceConnects(options?: TraceOptions): Promise<ConnectTracer> {
  const { netns, top } = parseTraceOptions(options);
  if (process.platform !== 'linux') throw unavailable(`tracing needs Linux (eBPF); this is ${process.platform}`);
  const loaded = loadBinding();
  if (loaded instanceof Error) throw loaded;
  if (!loaded.available || !loaded.open) throw unavailable(loaded.reason ?? 'this build has no connect tracer');
  const destinations = Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, top * 16));
  const request: { netns?: string; destinations: number; processes: number } = { destinations, processes: destinations };
  if (netns !== undefined) request.netns = netns;
  const result = await loaded.open(request);
  if ('error' in result && result.error) throw failure(result as NativeFailure);
  return new Tracer(result as NativeTracer, top, netns !== undefined);
}

// ---- pressure({ tracer }): demand and failures per destination, and CONNECTS_FAILING ----

/** The shortest span the connect rates are averaged over, in seconds. */
const MIN_WINDOW_SECONDS = 1;
/** CONNECTS_FAILING warnings at most, the most failures/s first. */
const MAX_FAILING_WARNINGS = 10;

/** Throws unless `value` is a tracer made by traceConnects(). */
export function checkTracer(value: unknown): ConnectTracer {
  if (!(value instanceof Tracer)) throw invalidArgType('options.tracer', 'a ConnectTracer from traceConnects()', value);
  return value;
}

export interface ConnectRates {
  destination: ConnectDestination;
  /** Attempts per second over the window. */
  demand: number;
  /** Failures per second over the window, all errnos. */
  failureRate: number;
  /** Failures per second by errno over the window. */
  failureRates: ConnectFailures;
}

/** Rates per destination since the tracer's previous sample (or since attach), at least 1 s. */
export function sampleRates(tracer: ConnectTracer): ConnectRates[] {
  const t = tracer as Tracer;
  const read = t.readNative();
  const now = Date.now();
  const stats = t.statsOf(read, read.destinations.count);
  const previous = t.lastSample;
  const start = previous ? previous.at : t.since;
  const seconds = Math.max(MIN_WINDOW_SECONDS, (now - start) / 1000);
  const counts: Sample['counts'] = new Map();
  const zero: ConnectFailures = { EADDRNOTAVAIL: 0, ECONNREFUSED: 0, ETIMEDOUT: 0, other: 0 };
  const out: ConnectRates[] = [];
  for (const d of stats.destinations) {
    const key = keyOf(d);
    counts.set(key, { attempts: d.attempts, failures: d.failures });
    const before = previous?.counts.get(key) ?? { attempts: 0, failures: zero };
    const failureRates: ConnectFailures = {
      EADDRNOTAVAIL: (d.failures.EADDRNOTAVAIL - before.failures.EADDRNOTAVAIL) / seconds,
      ECONNREFUSED: (d.failures.ECONNREFUSED - before.failures.ECONNREFUSED) / seconds,
      ETIMEDOUT: (d.failures.ETIMEDOUT - before.failures.ETIMEDOUT) / seconds,
      other: (d.failures.other - before.failures.other) / seconds,
    };
    out.push({ destination: d, demand: (d.attempts - before.attempts) / seconds, failureRate: failureSum(failureRates), failureRates });
  }
  t.lastSample = { at: now, counts };
  return out;
}

const rateText = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

function describeConnect(d: ConnectDestination): string {
  const host = d.family === 'ipv6' ? `[${d.remoteAddress}]` : d.remoteAddress;
  return `${host}:${d.remotePort} (netns ${d.netnsInode})`;
}

/**
 * Adds `demand` and `failureRate` to the destinations of a pressure() result (from the traced
 * destinations of the namespace it read, matched by remote address and port: a failed connect
 * has no local address), and a CONNECTS_FAILING warning for each traced destination, in any
 * namespace the tracer sees, whose connects failed in the window.
 */
export function withConnectRates(pressure: Pressure, tracer: ConnectTracer): Pressure {
  const rates = sampleRates(tracer);
  const byRemote = new Map<string, ConnectRates>();
  for (const r of rates) {
    if (r.destination.netnsInode === pressure.netnsInode) byRemote.set(`${r.destination.remoteAddress} ${r.destination.remotePort}`, r);
  }
  const destinations: Destination[] = pressure.destinations.map((d) => {
    const r = byRemote.get(`${d.remoteAddress} ${d.remotePort}`);
    return { ...d, demand: r ? r.demand : 0, failureRate: r ? r.failureRate : 0 };
  });
  const warnings: Warning[] = [];
  const failing = rates.filter((r) => r.failureRate > 0).sort((a, b) => b.failureRate - a.failureRate).slice(0, MAX_FAILING_WARNINGS);
  for (const r of failing) {
    const d = r.destination;
    const [errno, rate] = (Object.entries(r.failureRates) as [keyof ConnectFailures, number][])
      .sort((a, b) => b[1] - a[1])[0] as [keyof ConnectFailures, number];
    const busiest = d.processes.filter((p) => p.failures > 0).slice(0, 3)
      .map((p) => `${p.comm}[${p.pid}] ${rateText(p.failures)} failed`).join(', ');
    const advice = errno === 'EADDRNOTAVAIL'
      ? 'no ephemeral port is free for it: pool or keep connections alive, widen the port range, or add local or remote addresses'
      : errno === 'ECONNREFUSED' ? 'nothing listens there: check the service and the address'
      : errno === 'ETIMEDOUT' ? 'SYNs go unanswered: check routes, firewalls and the server\'s backlog'
      : 'see the errno';
    const match = d.netnsInode === pressure.netnsInode
      ? destinations.find((x) => x.remoteAddress === d.remoteAddress && x.remotePort === d.remotePort)
      : undefined;
    const warning: Warning = {
      code: 'CONNECTS_FAILING',
      message:
        `connect() to ${describeConnect(d)} fails ${rateText(r.failureRate)}/s (${errno} ${rateText(rate)}/s) ` +
        `of ${rateText(r.demand)} attempts/s` + (busiest ? `; busiest: ${busiest} since attach` : '') + `: ${advice}.`,
      connects: { ...d, demand: r.demand, failureRate: r.failureRate, errno },
    };
    if (match) warning.destination = match;
    warnings.push(warning);
  }
  return { ...pressure, destinations, warnings: [...pressure.warnings, ...warnings] };
}
