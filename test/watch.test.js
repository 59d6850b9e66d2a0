'use strict';
// watch(): deltas and rates per tick, one read at a time, clean ends.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { setTimeout: delay } = require('node:timers/promises');
const { watch, STATES } = require('..');
const { Namespace, rootSkipReason } = require('./helpers/netns');
const { checkSnapshot } = require('./helpers/rows');

describe('watch() in a namespace', { skip: rootSkipReason() ?? false }, () => {
  let ns;
  before(async () => {
    ns = await Namespace.create();
  });
  after(async () => ns && ns.destroy());

  it('reports the sockets opened between ticks as delta and rate', async () => {
    const ticks = await ns.send('watchOpening', { intervalMs: 100, ticks: 5, perTick: 3, basePort: 7100 });
    assert.equal(ticks.length, 5);
    assert.equal(ticks[0].delta, null);
    assert.equal(ticks[0].ratePerSec, null);
    assert.equal(ticks[0].total, 0);
    for (let i = 1; i < ticks.length; i++) {
      assert.equal(ticks[i].total, 3 * i);
      assert.equal(ticks[i].delta.LISTEN, 3);
      assert.deepEqual(Object.keys(ticks[i].delta), [...STATES]);
      assert.ok(ticks[i].ratePerSec.LISTEN > 0);
      assert.ok(ticks[i].timestamp >= ticks[i - 1].timestamp);
    }
  });
});

describe('watch()', () => {
  it('yields snapshots and reads only when asked: a slow consumer gets no overlapping or queued reads', async () => {
    const seen = [];
    for await (const tick of watch({ intervalMs: 20 })) {
      checkSnapshot(tick);
      seen.push({ tick, at: performance.now() });
      if (seen.length === 4) break;
      await delay(120); // slower than the interval: missed deadlines are skipped, not queued
    }
    assert.equal(seen.length, 4);
    for (let i = 1; i < seen.length; i++) {
      // Each read started after the consumer came back for it.
      assert.ok(seen[i].tick.timestamp >= seen[i - 1].tick.timestamp + 100, `tick ${i}`);
      assert.notEqual(seen[i].tick.delta, null);
    }
  });

  it('ends cleanly when the signal aborts, during a wait or before the start', async () => {
    const controller = new AbortController();
    let count = 0;
    let started = 0;
    for await (const tick of watch({ intervalMs: 60000, signal: controller.signal })) {
      checkSnapshot(tick);
      count++;
      // The generator now waits a minute for the next tick; the abort must end that wait.
      started = performance.now();
      setTimeout(() => controller.abort(), 50);
    }
    assert.equal(count, 1, 'the first tick comes at once, the next would be a minute later');
    assert.ok(performance.now() - started < 30000, 'the wait ended with the abort');

    const aborted = AbortSignal.abort();
    const iterator = watch({ signal: aborted });
    assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  });

  it('ends on return() and stays done', async () => {
    const iterator = watch({ intervalMs: 10 });
    assert.equal((await iterator.next()).done, false);
    assert.deepEqual(await iterator.return(), { value: undefined, done: true });
    assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  });

  it('rejects bad options at the call, before any read', () => {
    const cases = [
      [{ intervalMs: 0 }, RangeError, 'ERR_OUT_OF_RANGE'],
      [{ intervalMs: -5 }, RangeError, 'ERR_OUT_OF_RANGE'],
      [{ intervalMs: 1.5 }, RangeError, 'ERR_OUT_OF_RANGE'],
      [{ intervalMs: NaN }, RangeError, 'ERR_OUT_OF_RANGE'],
      [{ intervalMs: '1000' }, TypeError, 'ERR_INVALID_ARG_TYPE'],
      [{ signal: {} }, TypeError, 'ERR_INVALID_ARG_TYPE'],
      [{ signal: new AbortController() }, TypeError, 'ERR_INVALID_ARG_TYPE'],
      [{ top: 3 }, TypeError, 'ERR_INVALID_ARG_VALUE'],
      [{ states: ['NOPE'] }, TypeError, 'ERR_INVALID_ARG_VALUE'],
      [null, TypeError, 'ERR_INVALID_ARG_TYPE'],
    ];
    for (const [options, Class, code] of cases) {
      assert.throws(() => watch(options), (e) => e instanceof Class && e.code === code, JSON.stringify(options));
    }
  });
});
