import { setTimeout as delay } from 'node:timers/promises';

import type { Snapshot, StateCounts, WatchTick } from './types';
import { STATES } from './types';

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
async function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') return false;
    throw error;
  }
}

/** The change per state between two snapshots, and that change per second of `seconds`. */
export function difference(now: Snapshot, before: Snapshot, seconds: number): [StateCounts, StateCounts] {
  const delta = {} as StateCounts;
  const rate = {} as StateCounts;
  for (const state of STATES) {
    delta[state] = now.states[state] - before.states[state];
    rate[state] = seconds > 0 ? delta[state] / seconds : 0;
  }
  return [delta, rate];
}

/**
 * A fixed grid of deadlines (start + k * intervalMs): yields the time of each one, only
 * when the consumer asks for the next. A deadline already passed when the consumer comes
 * back is skipped rather than caught up, so the grid never drifts. Ends when `signal` aborts.
 */
export async function* schedule(intervalMs: number, signal: AbortSignal | undefined): AsyncGenerator<number, void, undefined> {
  let deadline = performance.now();
  while (!signal?.aborted) {
    const wait = deadline - performance.now();
    if (wait > 0 && !(await sleep(wait, signal))) return;
    yield performance.now();
    const now = performance.now();
    deadline += intervalMs;
    if (deadline <= now) deadline += (Math.floor((now - deadline) / intervalMs) + 1) * intervalMs;
  }
}

/** Reads on the schedule's grid, one read at a time, each tick with the change since the previous one. */
export async function* ticks(
  read: () => Promise<Snapshot>,
  intervalMs: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<WatchTick, void, undefined> {
  let previous: { snapshot: Snapshot; at: number } | null = null;
  for await (const at of schedule(intervalMs, signal)) {
    const snapshot = await read();
    if (signal?.aborted) return;
    let delta: StateCounts | null = null;
    let ratePerSec: StateCounts | null = null;
    if (previous) [delta, ratePerSec] = difference(snapshot, previous.snapshot, (at - previous.at) / 1000);
    previous = { snapshot, at };
    yield { ...snapshot, delta, ratePerSec };
  }
}
