import type { NativeEphemeralRange } from '../binding';
import { STATES, type EphemeralRange, type RangeSettings, type TcpState, type Warning } from '../types';

/** What a platform module provides: its raw states, the quirks of its rows, and its port rules. */
export interface Platform {
  /** Raw OS state values for each normalized name. */
  raw: Readonly<Record<TcpState, readonly number[]>>;
  /**
   * Raw states left out when the caller names none. Every other raw value is read, named
   * or not, so that a state newer than this table is counted as unknown, never lost.
   */
  excludedByDefault: readonly number[];
  /** Whether a row's uid and inode describe a real owner. */
  hasOwner(uid: number, inode: number): boolean;
  /** Size of the platform's default ephemeral range. */
  defaultRangeSize: number;
  /** The raw values behind ephemeralRange(), each with its source. */
  rangeSettings(native: NativeEphemeralRange): RangeSettings;
  /** To which destinations connect() may take over TIME_WAIT ports (see EphemeralRange.timeWaitReuse). */
  timeWaitReuse(settings: RangeSettings): EphemeralRange['timeWaitReuse'];
  /** How old a TIME_WAIT socket must be before reuse may take it, in ms; null where there is no reuse. */
  reuseDelayMs(settings: RangeSettings): number | null;
  /** The owning PID a row reports, or null when that number names no owner. Default: as reported. */
  ownerPid?(pid: number): number | null;
  /** Whether TIME_WAIT rows tell the time left on them; without it close rates are null. Default true. */
  timeWaitTimers?: boolean;
  /** The TIME_WAIT length row timers count down from, in ms (Linux TCP_TIMEWAIT_LEN); 0 where rows have no timers. */
  timeWaitTimerMs: number;
  /** The reuse delay where the OS has reuse but no setting for its delay, in ms; 0 where there is no reuse. */
  defaultReuseDelayMs: number;
  /** How to widen the ephemeral range on this platform, for warnings. */
  rangeAdvice?: string;
  /** Whether a local port serves one destination or the whole host (EphemeralRange.portScope). */
  portScope: EphemeralRange['portScope'];
  /** Warnings about this platform's own settings, beyond the shared ones. */
  warnings?(range: EphemeralRange): Warning[];
}

/** How many raw states a query's 32-bit state mask can name (native/records.h kRawStates). */
export const MASK_STATES = 32;

function maskOf(raws: readonly number[]): number {
  let mask = 0;
  for (const state of raws) mask |= 1 << state;
  return mask >>> 0;
}

/** The raw-state bitmask for a list of names, or (null) every raw state but the platform's exclusions. */
export function stateMask(platform: Platform, states: readonly TcpState[] | null): number {
  if (states === null) return (~maskOf(platform.excludedByDefault)) >>> 0;
  return maskOf(states.flatMap((s) => platform.raw[s]));
}

/** Raw state value -> normalized name; undefined for a raw value the platform has no name for. */
export function stateNames(platform: Platform): ReadonlyArray<TcpState | undefined> {
  const names: Array<TcpState | undefined> = new Array(MASK_STATES).fill(undefined);
  for (const name of STATES) for (const state of platform.raw[name]) names[state] = name;
  return names;
}
