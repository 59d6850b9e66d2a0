'use strict';
// Measurements that need a process of their own, started inside the namespace with
// --expose-gc: event-loop lag (no garbage from earlier runs) and memory over many
// snapshot() calls. The runner sends the calls in chunks so the table can be rebuilt between them.
const fs = require('node:fs');
const tcpstate = require('..');
const { parseSockstat } = require('./namespace');

const WARM_UP_CALLS = 200;

function tableSize() {
  const text = fs.readFileSync('/proc/net/sockstat', 'latin1') + fs.readFileSync('/proc/net/sockstat6', 'latin1');
  return parseSockstat(text).total;
}

function memory() {
  global.gc();
  global.gc();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Delays of a 1 ms interval timer (time past its due time) while `work` runs. */
async function timerDelays(work) {
  const delays = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    delays.push(Math.max(0, now - last - 1));
    last = now;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
  delays.length = 0;
  last = performance.now();
  const start = performance.now();
  await work();
  const durationMs = performance.now() - start;
  clearInterval(timer);
  delays.sort((a, b) => a - b);
  return { durationMs, ticks: delays.length, maxMs: delays[delays.length - 1] ?? null, p99Ms: percentile(delays, 99) };
}

async function lag({ reads }) {
  tcpstate.snapshot();
  await tcpstate.snapshotAsync();
  global.gc();
  const table = tableSize();
  const idle = await timerDelays(() => new Promise((resolve) => setTimeout(resolve, 500)));
  const asyncReads = await timerDelays(async () => {
    for (let i = 0; i < reads; i++) await tcpstate.snapshotAsync();
  });
  const syncReads = await timerDelays(async () => {
    for (let i = 0; i < reads; i++) {
      tcpstate.snapshot();
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
  return { reads, table, tableAfter: tableSize(), idle, snapshotAsync: asyncReads, snapshot: syncReads };
}

let calls = 0;
let busyMs = 0;
let before = null;

const commands = {
  lag,
  soakStart() {
    for (let i = 0; i < WARM_UP_CALLS; i++) tcpstate.snapshot();
    before = memory();
    return { before, total: tcpstate.snapshot().total };
  },
  soakRun({ count }) {
    const start = performance.now();
    let total = 0;
    for (let i = 0; i < count; i++) total = tcpstate.snapshot().total;
    busyMs += performance.now() - start;
    calls += count;
    return { calls, total };
  },
  soakFinish() {
    return { calls, busyMs, before, after: memory(), maxRss: process.resourceUsage().maxRSS * 1024 };
  },
};

process.on('message', async ({ id, command, args }) => {
  try {
    process.send({ id, value: await commands[command](args || {}) });
  } catch (error) {
    process.send({ id, error: error.stack || String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
