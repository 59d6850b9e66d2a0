import { describeDestination } from './address';
import type { NativeDestination, NativeEphemeralRange, NativePressure } from './binding';
import type { Platform } from './platform/table';
import type { Destination, EphemeralRange, Pressure, Warning } from './types';

/** Utilization above which a destination is reported. */
export const HIGH_UTILIZATION = 0.8;
/** Share of the range that reserved ports may take before it is reported. */
export const RESERVED_SHARE = 0.05;
/** The shortest span a close rate is averaged over, in seconds. */
const MIN_RATE_WINDOW_SECONDS = 1;

export function toEphemeralRange(native: NativeEphemeralRange, platform: Platform): EphemeralRange {
  const settings = platform.rangeSettings(native);
  const size = native.high - native.low + 1;
  const reserved = native.reservedInRange;
  const available = size - reserved;
  const timeWaitSeconds = settings.timeWaitSeconds.value ?? 0;
  return {
    low: native.low,
    high: native.high,
    size,
    reserved,
    available,
    timeWaitSeconds,
    maxConnectRate: timeWaitSeconds > 0 ? available / timeWaitSeconds : Infinity,
    settings,
    netnsInode: native.netnsInode,
  };
}

/**
 * Closes per second from TIME_WAIT timers. A TIME_WAIT socket with t ms left was
 * closed (timeWait - t) ms ago, and every close of the last timeWait seconds is
 * still visible. The rate is averaged from the oldest visible close to now: for
 * steady traffic that is the whole TIME_WAIT period (the last minute on Linux),
 * for a burst younger than that it is the burst's own span, at least 1 s.
 */
export function closeRate(
  timeWait: number,
  timed: number,
  minTimerMs: number,
  timeWaitSeconds: number,
): number | null {
  if (timeWait === 0) return 0;
  if (timed === 0 || timeWaitSeconds <= 0) return null;
  const oldestAgeSeconds = timeWaitSeconds - minTimerMs / 1000;
  const window = Math.min(timeWaitSeconds, Math.max(MIN_RATE_WINDOW_SECONDS, oldestAgeSeconds));
  return timed / window;
}

/**
 * Seconds until a destination runs out of ports if it keeps closing at `rate`.
 * At that rate TIME_WAIT settles at rate * timeWaitSeconds ports; if that plus the
 * other ports in use stays under `available`, it never runs out (null). Otherwise
 * the remaining ports fill at `rate`.
 */
function secondsToExhaustion(d: NativeDestination, rate: number | null, range: EphemeralRange): number | null {
  if (d.portsInUse >= range.available) return 0;
  if (rate === null || rate <= 0) return null;
  const otherPorts = Math.max(0, d.portsInUse - d.timeWait);
  if (rate * range.timeWaitSeconds + otherPorts < range.available) return null;
  return (range.available - d.portsInUse) / rate;
}

const LEGACY_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters';
/** The highest MaxUserPort the registry value takes: set to it, it limits nothing. */
const MAX_USER_PORT_CEILING = 65534;

/**
 * Ports of the range left below a legacy MaxUserPort (Windows, from the registry) when it
 * cuts the top of the range; null when it is unset, rejected or above the range.
 */
function legacyUsablePorts(range: EphemeralRange): number | null {
  const setting = range.settings.maxUserPort;
  if (setting?.source !== 'registry' || typeof setting.value !== 'number') return null;
  if (setting.value >= Math.min(range.high, MAX_USER_PORT_CEILING)) return null;
  return Math.max(0, setting.value - range.low + 1);
}

function toDestination(d: NativeDestination, range: EphemeralRange, timers: boolean): Destination {
  const rate = timers ? closeRate(d.timeWait, d.timedTimeWait, d.minTimerMs, range.timeWaitSeconds) : null;
  return {
    family: d.family === 6 ? 'ipv6' : 'ipv4',
    localAddress: d.localAddress,
    remoteAddress: d.remoteAddress,
    remotePort: d.remotePort,
    portsInUse: d.portsInUse,
    timeWait: d.timeWait,
    established: d.established,
    other: d.other,
    utilization: range.available > 0 ? d.portsInUse / range.available : 1,
    closeRate: rate,
    secondsToExhaustion: secondsToExhaustion(d, rate, range),
  };
}

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;
const number = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

function warnings(
  pressure: Omit<Pressure, 'warnings'>,
  platform: Platform,
): Warning[] {
  const { range } = pressure;
  const out: Warning[] = [];
  for (const d of pressure.destinations) {
    if (d.utilization > HIGH_UTILIZATION) {
      out.push({
        code: 'DESTINATION_PORTS_HIGH',
        message:
          `${describeDestination(d)} holds ${percent(d.utilization)} of ${number(range.available)} ephemeral ports; ` +
          'connect() to it fails with EADDRNOTAVAIL at 100%: pool or keep connections alive, widen the port range, ' +
          'or add local or remote addresses.',
        destination: d,
      });
    }
    if (d.closeRate !== null && d.closeRate > range.maxConnectRate &&
        !platform.reusesTimeWait(range.settings, d.localAddress, d.remoteAddress)) {
      out.push({
        code: 'CLOSE_RATE_ABOVE_LIMIT',
        message:
          `${describeDestination(d)} closes ${number(d.closeRate)} connections/s, above the ${number(range.maxConnectRate)}/s ` +
          `its ports sustain for ${range.timeWaitSeconds} s of TIME_WAIT: reuse connections (pooling, keep-alive), ` +
          'or allow TIME_WAIT reuse (Linux: net.ipv4.tcp_tw_reuse=1 with tcp_timestamps).',
        destination: d,
      });
    }
  }
  const buckets = range.settings.tcpMaxTwBuckets?.value;
  if (typeof buckets === 'number' && pressure.timeWait >= buckets) {
    out.push({
      code: 'TIME_WAIT_BUCKETS_FULL',
      message:
        `${number(pressure.timeWait)} TIME_WAIT sockets reach net.ipv4.tcp_max_tw_buckets (${number(buckets)}): ` +
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
  const usable = legacyUsablePorts(range);
  if (usable !== null) {
    out.push({
      code: 'MAX_USER_PORT_LIMITS_RANGE',
      message:
        `MaxUserPort ${range.settings.maxUserPort?.value} (a pre-Vista limit Windows may still apply) cuts the ephemeral ` +
        `range ${range.low}-${range.high} to ${number(usable)} usable ports` +
        (usable < platform.defaultRangeSize ? `, fewer than the platform default ${number(platform.defaultRangeSize)}` : '') +
        `: delete MaxUserPort (${LEGACY_KEY}) and size the range (${advice}).`,
    });
  }
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

export function toPressure(native: NativePressure, platform: Platform, source: string): Pressure {
  const range = { ...toEphemeralRange(native.range, platform), netnsInode: native.netnsInode };
  const timers = platform.timeWaitTimers !== false;
  const result: Omit<Pressure, 'warnings'> = {
    platform: process.platform,
    source,
    netnsInode: native.netnsInode,
    timestamp: native.timestamp,
    durationMs: native.durationMs,
    consistent: native.consistent,
    range,
    timeWait: native.timeWait,
    clientSideTimeWait: native.clientSideTimeWait,
    serverSideTimeWait: native.serverSideTimeWait,
    otherTimeWait: native.otherTimeWait,
    closeRate: timers ? closeRate(native.timeWait, native.timedTimeWait, native.minTimerMs, range.timeWaitSeconds) : null,
    destinationCount: native.destinationCount,
    destinations: native.destinations.map((d) => toDestination(d, range, timers)),
  };
  return { ...result, warnings: warnings(result, platform) };
}
