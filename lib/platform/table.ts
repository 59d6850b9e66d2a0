import { STATES, type TcpState } from '../types';

/** What a platform module provides: its raw states and the quirks of its rows. */
export interface StateTable {
  /** Raw OS state values for each normalized name. */
  raw: Readonly<Record<TcpState, readonly number[]>>;
  /** Raw states read when the caller names none. */
  defaultStates: readonly number[];
  /** Whether a row's uid and inode describe a real owner. */
  hasOwner(rawState: number, uid: number, inode: number): boolean;
}

/** The raw-state bitmask for a list of names, or the platform default. */
export function stateMask(table: StateTable, states: readonly TcpState[] | null): number {
  const raws = states === null ? table.defaultStates : states.flatMap((s) => table.raw[s]);
  let mask = 0;
  for (const state of raws) mask |= 1 << state;
  return mask >>> 0;
}

/** Raw state value -> normalized name, for every raw value the table knows. */
export function stateNames(table: StateTable): ReadonlyArray<TcpState | undefined> {
  const names: Array<TcpState | undefined> = new Array(16).fill(undefined);
  for (const name of STATES) for (const state of table.raw[name]) names[state] = name;
  return names;
}
