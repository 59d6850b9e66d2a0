// The exhaustion verdict: what the ephemeral range allows, what each destination uses of it,
// how fast it closes connections, and the warnings. Pure functions over native-shaped reads.
import { describeDestination, isLoopback } from './address';
import type {
  NativeDestination,
  NativeEphemeralRange,
  NativePressure,
  NativePressureRequest,
  NativeTimers,
} from './binding';
import type { Platform } from './platform/table';
import type {
  Destination,
  DestinationStatus,
  EphemeralRange,
  HostPorts,
  Pressure,
  TcpCounters,
  Warning,
} from './types';

/** Utilization above which a destination (or the host's pool) is reported. */
export const HIGH_UTILIZATION = 0.8;
/** Share of the range that reserved ports may take before it is reported. */
export const RESERVED_SHARE = 0.05;
/** A destination whose ports are nearly all taken (above HIGH_UTILIZATION) and that closes at this share of its limit or more runs at its limit. */
export const AT_LIMIT_SHARE = 0.9;

/**
 * Whether a destination closes faster than its ports sustain, or runs at that limit: above
 * it, or at 90 % of it or more with its ports nearly all taken (saturation, where connects
 * succeed only as fast as TIME_WAIT frees ports). A short burst well inside the range that
 * merely touches the limit is neither.
 */
function atOrAboveLimit(d: Pick<Destination, 'closeRate' | 'maxConnectRate' | 'utilization'>): boolean {
  if (d.closeRate === null) return false;
  return d.closeRate > d.maxConnectRate ||
    (d.closeRate >= AT_LIMIT_SHARE * d.maxConnectRate && d.utilization > HIGH_UTILIZATION);
}
/** How many of the youngest TIME_WAIT sockets a single read's close rate is taken from (native TimeWaitTimers::kYoungest). */
export const RECENT_CLOSES = 16;
/** The fewer youngest closes a single read's rate is also taken over, to follow a change sooner. */
const FEW_CLOSES = 8;
/** The shortest span a single read's close rate is averaged over, in seconds. */
const MIN_RATE_WINDOW_SECONDS = 1;
/** How far ahead TIME_WAIT expiries are counted to estimate how fast ports come back, in seconds. */
const EXPIRY_HORIZON_SECONDS = 10;
/** The native setting that holds the TIME_WAIT reuse delay (Linux), read with the table. */
const REUSE_DELAY_SETTING = 'tcp_tw_reuse_delay';

export function toEphemeralRange(native: NativeEphemeralRange, platform: Platform): EphemeralRange {
  const settings = platform.rangeSettings(native);
  const size = native.high - native.low + 1;
  const reserved = native.reservedInRange;
  const available = size - reserved;
  const timeWaitSeconds = settings.timeWaitSeconds.value ?? 0;
  const timeWaitReuse = platform.timeWaitReuse(settings);
  const reuseDelayMs = platform.reuseDelayMs(settings);
  return {
    low: native.low,
    high: native.high,
    size,
    reserved,
    available,
    timeWaitSeconds,
    maxConnectRate: timeWaitSeconds > 0 ? available / timeWaitSeconds : Infinity,
    portScope: platform.portScope,
    timeWaitReuse,
    reuseDelayMs,
    maxReuseConnectRate: reuseDelayMs === null ? null : reuseDelayMs > 0 ? available / (reuseDelayMs / 1000) : Infinity,
    settings,
    netnsInode: native.netnsInode,
  };
}

/**
 * The timer thresholds of a pressure request. A TIME_WAIT socket with t ms left closed
 * (timeWaitMs - t) ms ago. `sinceMs` is the time since the caller's previous read, if any.
 */
export function timerThresholds(
  platform: Platform,
  sinceMs: number | null,
): Omit<NativePressureRequest, 'query' | 'listenStates' | 'timeWaitState' | 'establishedState' | 'top'> {
  const timeWaitMs = platform.timeWaitTimerMs;
  const since = sinceMs !== null && sinceMs > 0 && sinceMs < timeWaitMs ? Math.round(sinceMs) : null;
  return {
    timeWaitMs,
    recentTimerMs: Math.max(0, timeWaitMs - MIN_RATE_WINDOW_SECONDS * 1000),
    // Above every timer when no previous read is given: nothing counted.
    sinceTimerMs: since === null ? 0xffffffff : timeWaitMs - since,
    soonTimerMs: EXPIRY_HORIZON_SECONDS * 1000,
    reuseDelaySetting: REUSE_DELAY_SETTING,
    reuseDelayDefaultMs: platform.defaultReuseDelayMs,
  };
}

/**
 * The recent close rate of one read's TIME_WAIT timers, and the span it was measured over.
 * Every close of the last TIME_WAIT period is still a TIME_WAIT socket (unless reuse took it
 * over early), and its timer tells when it closed. The rate is taken over the youngest
 * closes: the k youngest over the age of the k-th, for k = 8 and 16 (RECENT_CLOSES), and the
 * closes of the last second, whichever is largest; every span is at least 1 s, so that a
 * clump of closes at one instant is no burst. A change of traffic shows within a second, or
 * within the time 8 closes take when that is longer; older sockets never dilute it, and after
 * closes stop it decays as 16 / (time since the last closes). With fewer than 8 TIME_WAIT
 * sockets the rate is all of them over the age of the oldest, at least 1 s.
 */
function recentRate(timers: NativeTimers, timeWaitSeconds: number): { rate: number; seconds: number } {
  const youngest = timers.youngestTimerMs;
  const span = (k: number) =>
    Math.max(MIN_RATE_WINDOW_SECONDS, Math.min(timeWaitSeconds, timeWaitSeconds - youngest[k - 1] / 1000));
  if (youngest.length < FEW_CLOSES) {
    const seconds = span(youngest.length);
    return { rate: youngest.length / seconds, seconds };
  }
  let best = { rate: timers.recent / MIN_RATE_WINDOW_SECONDS, seconds: MIN_RATE_WINDOW_SECONDS };
  for (const k of [FEW_CLOSES, RECENT_CLOSES]) {
    if (k > youngest.length) break;
    const seconds = span(k);
    if (k / seconds > best.rate) best = { rate: k / seconds, seconds };
  }
  return best;
}

/**
 * Recent closes per second (see recentRate), or with a previous read `sinceSeconds` ago the
 * closes counted exactly since then over that time: that count wins unless the youngest
 * closes all fall inside the interval (traffic that began or grew during it, which the
 * interval's average would hide). 0 without TIME_WAIT; null where the OS gives no timers.
 */
export function closeRate(
  timeWait: number,
  timers: NativeTimers,
  timeWaitSeconds: number,
  sinceSeconds: number | null,
): number | null {
  if (timeWait === 0) return 0;
  if (timers.timed === 0 || timeWaitSeconds <= 0) return null;
  const recent = recentRate(timers, timeWaitSeconds);
  if (sinceSeconds === null || sinceSeconds <= 0) return recent.rate;
  const counted = timers.sinceLastRead / sinceSeconds;
  return recent.seconds < sinceSeconds && recent.rate > counted ? recent.rate : counted;
}

/** TIME_WAIT ports that come back per second over the next few seconds, as their timers run out. */
function expiryRate(timers: NativeTimers): number {
  return timers.expiringSoon / EXPIRY_HORIZON_SECONDS;
}

interface Pool {
  range: EphemeralRange;
  hostPorts: HostPorts;
}

/**
 * Ports connect() cannot take for this destination now. Per destination (Linux): its own in
 * use, less the reusable, plus the listeners in the range. Host-wide (Windows): every port of
 * the range any socket holds, whichever destination it serves.
 */
function unavailable(d: NativeDestination, reusable: number, pool: Pool): number {
  if (pool.range.portScope === 'host') return pool.hostPorts.inUse;
  return Math.max(0, d.portsInUse - reusable) + pool.hostPorts.listening;
}

/**
 * Seconds until no port is left for a destination. Its blocked ports grow at the close
 * rate and come back as TIME_WAIT timers run out. If the rate times the time a port stays
 * blocked (TIME_WAIT, or the reuse delay where reuse applies) plus its other ports stays
 * below `available`, it never runs out (null). Otherwise the free ports fill at the rate
 * less the expiries (never slower than the rate alone when the expiries outrun it now).
 * Where reuse applies, the sockets about to expire are past the reuse delay and already
 * counted as reusable: the ports fill at the rate alone.
 */
function secondsToExhaustion(
  d: NativeDestination,
  blocked: number,
  rate: number | null,
  reuses: boolean,
  pool: Pool,
): number | null {
  const { range } = pool;
  if (blocked >= range.available) return 0;
  if (rate === null || rate <= 0) return null;
  const holdSeconds = reuses && range.reuseDelayMs !== null ? range.reuseDelayMs / 1000 : range.timeWaitSeconds;
  const otherPorts = Math.max(0, d.portsInUse - d.timeWait) + pool.hostPorts.listening;
  if (rate * holdSeconds + otherPorts < range.available) return null;
  const net = reuses ? rate : rate - expiryRate(d.timers);
  return (range.available - blocked) / (net > 0 ? net : rate);
}

/** The verdict on the ports a destination can get: `blocked` of them are taken (for a host-wide pool, by anyone). */
function status(d: Omit<Destination, 'status'>, blocked: number, available: number): DestinationStatus {
  if (blocked >= available) return 'exhausted';
  if (atOrAboveLimit(d) || d.secondsToExhaustion !== null) {
    return 'at-limit';
  }
  const load = available > 0 ? blocked / available : 1;
  return load > HIGH_UTILIZATION || d.utilization > HIGH_UTILIZATION ? 'high' : 'fine';
}

/** Whether new connections to a destination may take over its TIME_WAIT ports under the range's reuse mode. */
export function reusesTimeWait(mode: EphemeralRange['timeWaitReuse'], localAddress: string, remoteAddress: string): boolean {
  return mode === 'all' || (mode === 'loopback' && (isLoopback(localAddress) || isLoopback(remoteAddress)));
}

function toDestination(
  d: NativeDestination,
  pool: Pool,
  timers: boolean,
  sinceSeconds: number | null,
): Destination {
  const { range } = pool;
  const reuses = reusesTimeWait(range.timeWaitReuse, d.localAddress, d.remoteAddress);
  const reusable = reuses ? Math.min(d.timeWait, d.timers.pastReuseDelay) : 0;
  const blocked = unavailable(d, reusable, pool);
  const rate = timers ? closeRate(d.timeWait, d.timers, range.timeWaitSeconds, sinceSeconds) : null;
  const destination: Omit<Destination, 'status'> = {
    family: d.family === 6 ? 'ipv6' : 'ipv4',
    localAddress: d.localAddress,
    remoteAddress: d.remoteAddress,
    remotePort: d.remotePort,
    portsInUse: d.portsInUse,
    timeWait: d.timeWait,
    established: d.established,
    other: d.other,
    reusable,
    // Host-wide, the share this destination takes of the pool; per destination, what it cannot get.
    utilization: range.available > 0
      ? Math.min(1, (range.portScope === 'host' ? d.portsInUse : blocked) / range.available)
      : 1,
    maxConnectRate: reuses && range.maxReuseConnectRate !== null ? range.maxReuseConnectRate : range.maxConnectRate,
    closeRate: rate,
    secondsToExhaustion: secondsToExhaustion(d, blocked, rate, reuses, pool),
  };
  return { ...destination, status: status(destination, blocked, range.available) };
}

function toHostPorts(native: NativePressure, range: EphemeralRange): HostPorts {
  return {
    inUse: native.hostPortsInUse,
    listening: native.hostPortsListening,
    available: Math.max(0, range.available - native.hostPortsInUse),
    utilization: range.available > 0 ? Math.min(1, native.hostPortsInUse / range.available) : 1,
  };
}

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;
const number = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

function destinationWarnings(d: Destination, range: EphemeralRange): Warning[] {
  const out: Warning[] = [];
  const where = describeDestination(d);
  // Host-wide, an exhausted pool is one warning for the host (HOST_PORTS_HIGH), not one per destination.
  if (d.status === 'exhausted' && range.portScope === 'destination') {
    out.push({
      code: 'DESTINATION_PORTS_EXHAUSTED',
      message:
        `${where} has no ephemeral port left (${number(d.portsInUse)} in use, ${number(d.reusable)} reusable, of ` +
        `${number(range.available)}): connect() to it fails with EADDRNOTAVAIL now; pool or keep connections alive, ` +
        'widen the port range, or add local or remote addresses.',
      destination: d,
    });
  }
  if (d.utilization > HIGH_UTILIZATION) {
    out.push({
      code: 'DESTINATION_PORTS_HIGH',
      message:
        `${where} holds ${percent(d.utilization)} of ${number(range.available)} ephemeral ports; ` +
        'connect() to it fails with EADDRNOTAVAIL at 100%: pool or keep connections alive, widen the port range, ' +
        'or add local or remote addresses.',
      destination: d,
    });
  }
  if (d.closeRate !== null && atOrAboveLimit(d)) {
    const reuses = d.maxConnectRate !== range.maxConnectRate;
    const limit = reuses
      ? `the ${number(d.maxConnectRate)}/s its ports sustain with TIME_WAIT reuse after ${number(range.reuseDelayMs ?? 0)} ms`
      : `the ${number(d.maxConnectRate)}/s its ports sustain for ${range.timeWaitSeconds} s of TIME_WAIT`;
    const when = d.secondsToExhaustion === null ? '' : d.secondsToExhaustion === 0
      ? ', out of ports now'
      : `, out of ports in about ${number(Math.max(0.1, d.secondsToExhaustion))} s`;
    const advice = range.timeWaitReuse === 'all' || reuses
      ? 'reuse connections (pooling, keep-alive).'
      : 'reuse connections (pooling, keep-alive), or allow TIME_WAIT reuse (Linux: net.ipv4.tcp_tw_reuse=1 with tcp_timestamps).';
    out.push({
      code: 'CLOSE_RATE_ABOVE_LIMIT',
      message: `${where} closes ${number(d.closeRate)} connections/s, at or above ${limit}${when}: ${advice}`,
      destination: d,
    });
  }
  return out;
}

function warnings(pressure: Omit<Pressure, 'warnings'>, platform: Platform): Warning[] {
  const { range, hostPorts } = pressure;
  const out: Warning[] = pressure.destinations.flatMap((d) => destinationWarnings(d, range));
  if (hostPorts.utilization > HIGH_UTILIZATION) {
    const held = `${number(hostPorts.inUse)} of ${number(range.available)} ephemeral ports (${percent(hostPorts.utilization)}) are held ` +
      `on this host${hostPorts.listening > 0 ? `, ${number(hostPorts.listening)} of them by listeners` : ''}`;
    out.push({
      code: 'HOST_PORTS_HIGH',
      message: range.portScope === 'host'
        ? `${held}, and every connection takes a port of its own from this one pool, whatever its destination: ` +
          'at 100% connect() fails (WSAEADDRINUSE 10048, WSAENOBUFS 10055, "Can\'t connect to MySQL server"); ' +
          `pool or keep connections alive, or widen the dynamic range (${platform.rangeAdvice ?? ''}).`
        : `${held}: a bind() to port 0 (a client given a local address before connect()) fails with EADDRINUSE at 100%, ` +
          'and listeners in the range take ports from every destination; move listeners out of the range, drop the ' +
          'local address, or widen the range.',
    });
  }
  // The limit bounds the whole namespace: compare its count, not the filtered one.
  const buckets = range.settings.tcpMaxTwBuckets?.value;
  const timeWait = Math.max(pressure.timeWait, pressure.namespaceTimeWait ?? 0);
  if (typeof buckets === 'number' && timeWait >= buckets) {
    out.push({
      code: 'TIME_WAIT_BUCKETS_FULL',
      message:
        `${number(timeWait)} TIME_WAIT sockets reach net.ipv4.tcp_max_tw_buckets (${number(buckets)}): ` +
        'the kernel now drops new TIME_WAIT sockets early; raise the limit or close fewer connections.',
    });
  }
  const advice = platform.rangeAdvice ?? 'Linux: net.ipv4.ip_local_port_range';
  if (platform.defaultRangeSize > 0 && range.size < platform.defaultRangeSize) {
    out.push({
      code: 'RANGE_NARROWER_THAN_DEFAULT',
      message:
        `The ephemeral range ${range.low}-${range.high} holds ${number(range.size)} ports, fewer than the ` +
        `platform default ${number(platform.defaultRangeSize)}: widen it (${advice}).`,
    });
  }
  out.push(...(platform.warnings?.(range) ?? []));
  if (range.size > 0 && range.reserved / range.size >= RESERVED_SHARE) {
    out.push({
      code: 'RESERVED_PORTS_IN_RANGE',
      message:
        `${number(range.reserved)} ports (${percent(range.reserved / range.size)}) of the ephemeral range are reserved ` +
        'and never handed out: move the reservations out of the range or widen it.',
    });
  }
  return out;
}

/** The counters of a read by their public names; null where the OS lacks one. */
export function toCounters(values: Record<string, number | null>): TcpCounters {
  const value = (name: keyof TcpCounters) => values[name] ?? null;
  return {
    activeOpens: value('activeOpens'),
    passiveOpens: value('passiveOpens'),
    attemptFails: value('attemptFails'),
    estabResets: value('estabResets'),
    timeWaitExpired: value('timeWaitExpired'),
    timeWaitRecycled: value('timeWaitRecycled'),
    timeWaitKilled: value('timeWaitKilled'),
    timeWaitOverflow: value('timeWaitOverflow'),
    listenOverflows: value('listenOverflows'),
    listenDrops: value('listenDrops'),
  };
}

/**
 * The Pressure of a native read. `snapshot` is the read's state counts already normalized;
 * `sinceSeconds` the time since the caller's previous read, when it gave one.
 */
export function toPressure(
  native: NativePressure,
  platform: Platform,
  source: string,
  snapshot: Pressure['snapshot'],
  sinceSeconds: number | null = null,
): Pressure {
  const range = { ...toEphemeralRange(native.range, platform), netnsInode: native.netnsInode };
  const timers = platform.timeWaitTimers !== false;
  const hostPorts = toHostPorts(native, range);
  const pool = { range, hostPorts };
  const result: Omit<Pressure, 'warnings'> = {
    platform: process.platform,
    source,
    netnsInode: native.netnsInode,
    timestamp: native.timestamp,
    durationMs: native.durationMs,
    consistent: native.consistent,
    range,
    timeWait: native.timeWait,
    namespaceTimeWait: native.namespaceTimeWait,
    clientSideTimeWait: native.clientSideTimeWait,
    serverSideTimeWait: native.serverSideTimeWait,
    otherTimeWait: native.otherTimeWait,
    closeRate: timers ? closeRate(native.timeWait, native.timers, range.timeWaitSeconds, sinceSeconds) : null,
    hostPorts,
    counters: toCounters(native.counters.values),
    snapshot,
    destinationCount: native.destinationCount,
    destinations: native.destinations.map((d) => toDestination(d, pool, timers, sinceSeconds)),
  };
  return { ...result, warnings: warnings(result, platform) };
}
