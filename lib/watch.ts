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

function difference(now: Snapshot, before: Snapshot, seconds: number): [StateCounts, StateCounts] {
  const delta = {} as StateCounts;
  const rate = {} as StateCounts;
  for (const state of STATES) {
    delta[state] = now.states[state] - before.states[state];
    rate[state] = seconds > 0 ? delta[state] / seconds : 0;
  }
  return [delta, rate];
}

/**
 * Reads on a fixed grid of deadlines (start + k * intervalMs), one read at a time,
 * only when the consumer asks for the next tick. A deadline already passed is
 * skipped rather than caught up, so the grid never drifts.
 */
export async function* ticks(
  read: () => Promise<Snapshot>,
  intervalMs: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<WatchTick, void, undefined> {
  let previous: { snapshot: Snapshot; at: number } | null = null;
  let deadline = performance.now();
  while (!signal?.aborted) {
    const wait = deadline - performance.now();
    if (wait > 0 && !(await sleep(wait, signal))) return;
    const at = performance.now();
    const snapshot = await read();
    if (signal?.aborted) return;
    let delta: StateCounts | null = null;
    let ratePerSec: StateCounts | null = null;
    if (previous) [delta, ratePerSec] = difference(snapshot, previous.snapshot, (at - previous.at) / 1000);
    previous = { snapshot, at };
    yield { ...snapshot, delta, ratePerSec };
    const now = performance.now();
    deadline += intervalMs;
    if (deadline <= now) deadline += (Math.floor((now - deadline) / intervalMs) + 1) * intervalMs;
  }
}
