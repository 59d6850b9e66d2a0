import type { NativePortSettings } from '../binding';
import { STATES, type RangeSettings, type TcpState } from '../types';

/** What a platform module provides: its raw states, the quirks of its rows, and its port rules. */
export interface Platform {
  /** Raw OS state values for each normalized name. */
  raw: Readonly<Record<TcpState, readonly number[]>>;
  /** Raw states read when the caller names none. */
  defaultStates: readonly number[];
  /** Whether a row's uid and inode describe a real owner. */
  hasOwner(rawState: number, uid: number, inode: number): boolean;
  /** Size of the platform's default ephemeral range. */
  defaultRangeSize: number;
  /** The raw values behind ephemeralRange(), each with its source. */
  rangeSettings(native: NativePortSettings): RangeSettings;
  /** Whether new connections to this destination may reuse its TIME_WAIT ports. */
  reusesTimeWait(settings: RangeSettings, localAddress: string, remoteAddress: string): boolean;
  /** The owning PID a row reports, or null when that number names no owner. Default: as reported. */
  ownerPid?(pid: number): number | null;
  /** Whether TIME_WAIT rows tell the time left on them; without it close rates are null. Default true. */
  timeWaitTimers?: boolean;
  /** How to widen the ephemeral range on this platform, for warnings. */
  rangeAdvice?: string;
}

/** The raw-state bitmask for a list of names, or the platform default. */
export function stateMask(platform: Platform, states: readonly TcpState[] | null): number {
  const raws = states === null ? platform.defaultStates : states.flatMap((s) => platform.raw[s]);
  let mask = 0;
  for (const state of raws) mask |= 1 << state;
  return mask >>> 0;
}

/** Raw state value -> normalized name, for every raw value the platform knows. */
export function stateNames(platform: Platform): ReadonlyArray<TcpState | undefined> {
  const names: Array<TcpState | undefined> = new Array(16).fill(undefined);
  for (const name of STATES) for (const state of platform.raw[name]) names[state] = name;
  return names;
}
