'use strict';
// What is measured on each table and how: methods in interleaved rounds that fit the
// TIME_WAIT window, peers with a time cap, event-loop lag, memory over repeated calls.
const path = require('node:path');
const { Namespace } = require('./namespace');
const { Table, planFor } = require('./table');

const SYSCTLS = {
  'net.ipv4.ip_local_port_range': '1024 65535',
  'net.ipv4.tcp_max_tw_buckets': 2000000,
  'net.ipv4.tcp_tw_reuse': 0,
};
const PEER_CAP_MS = 60000;
const MIN_ROUNDS = 5;
const LAG_READS = 20;
const SOAK_CALLS = 10000;
const SOAK_BUDGET_MS = 120000;
const WRONG_COUNT = 0.02;

/** In report order; `perSocketUs` and `baseMs` guess a run's time before one is known. */
const METHODS = [
  { name: 'floorV2', label: 'floor v2 (C, 2 dumps)', runs: 15, perSocketUs: 0.8, baseMs: 5, floor: true },
  { name: 'floorOnewalk', label: 'floor onewalk (C, 1 walk)', runs: 15, perSocketUs: 0.6, baseMs: 3, floor: true },
  { name: 'snapshot', label: 'tcpstate snapshot()', runs: 15, perSocketUs: 0.6, baseMs: 3 },
  { name: 'snapshotAsync', label: 'tcpstate snapshotAsync()', runs: 15, perSocketUs: 0.6, baseMs: 3 },
  { name: 'snapshotFiltered', label: 'tcpstate snapshot(TIME_WAIT, port)', runs: 15, perSocketUs: 0.3, baseMs: 3 },
  { name: 'sockets', label: 'tcpstate sockets()', runs: 15, perSocketUs: 1.5, baseMs: 3 },
  { name: 'pressure', label: 'tcpstate pressure()', runs: 15, perSocketUs: 1, baseMs: 3 },
  { name: 'ss', label: 'ss -tan (process, output discarded)', runs: 15, perSocketUs: 4, baseMs: 15 },
  { name: 'procfs', label: 'JS /proc/net/tcp + tcp6', runs: 15, perSocketUs: 4, baseMs: 15 },
  { name: 'systeminformation', label: 'systeminformation networkConnections()', runs: 5, peer: true, perSocketUs: 20, baseMs: 500 },
  { name: 'nodeNetstat', label: 'node-netstat (async)', runs: 5, peer: true, perSocketUs: 20, baseMs: 500 },
];

const log = (message) => process.stderr.write(`bench: ${message}\n`);
const median = (sorted) =>
  sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;

/** One table size: its namespace, its load, and (when asked) the measuring agent inside. */
class Session {
  static async open(label, binaries, { agent = true } = {}) {
    const session = new Session();
    session.label = label;
    session.binaries = binaries;
    session.plan = planFor(label);
    session.ns = Namespace.create(SYSCTLS);
    try {
      session.table = new Table(session.ns, session.plan, binaries.load);
      log(`${label}: building ${session.plan.timeWait.toLocaleString()} TIME_WAIT + ${session.plan.pairs.toLocaleString()} pairs`);
      await session.table.build();
      if (agent) session.agent = await session.ns.startNode(path.join(__dirname, 'agent.js'), ['--expose-gc']);
    } catch (error) {
      await session.close();
      throw error;
    }
    return session;
  }

  async ensure(ms, before) {
    if (this.table.remainingMs() >= ms) return;
    log(`${this.label}: waiting for TIME_WAIT to expire and rebuilding it before ${before}`);
    await this.table.rebuildTimeWait();
  }

  async close() {
    await this.agent?.close();
    this.table?.stop();
    this.ns.delete();
  }
}

/** The runs of one method on one table, gathered over one or more batches. */
class Runs {
  constructor(method, runs, guessMs) {
    this.method = method;
    this.wanted = runs;
    this.estimate = guessMs;
    this.times = [];
    this.tables = [];
    this.count = null;
    this.failure = null;
    this.interrupted = false;
    this.peakRss = null;
  }

  get left() {
    return this.failure ? 0 : this.wanted - this.times.length;
  }

  /** Runs `n` more inside the namespace; a failure is recorded, never thrown. */
  async batch(session, n, warm) {
    const { name, peer } = this.method;
    const args = { method: name, runs: n, warm, port: session.plan.filterPort, floor: session.binaries.floor, capMs: PEER_CAP_MS };
    const timeoutMs = (n + 1) * (peer ? PEER_CAP_MS : Math.max(10000, this.estimate * 10)) + 30000;
    let result;
    try {
      result = await session.agent.call('measure', args, timeoutMs);
    } catch (error) {
      this.failure = { status: 'failed', message: error.message.split('\n')[0] };
      return;
    }
    this.times.push(...result.times);
    this.tables.push(result.tableBefore);
    if (result.failure?.status !== 'capped') this.tables.push(result.tableAfter);
    if (result.count !== null) this.count = result.count;
    if (result.interrupted) this.interrupted = true;
    if (result.failure) this.failure = result.failure;
    if (result.calls?.length && !this.peakRss) {
      this.peakRss = { rssBefore: result.calls[0].rssBefore, maxRss: result.calls[0].maxRss };
    }
    if (result.times.length) this.estimate = Math.max(...result.times) * 1.25 + 2;
    else if (!this.failure) this.failure = { status: 'failed', message: 'no run completed' };
  }

  summary(expected) {
    const sorted = [...this.times].sort((a, b) => a - b);
    const out = {
      median: sorted.length ? median(sorted) : null,
      min: sorted.length ? sorted[0] : null,
      max: sorted.length ? sorted[sorted.length - 1] : null,
      runs: sorted.length,
      count: this.count,
      expected,
      ratio: null,
      status: this.failure ? this.failure.status : 'ok',
      note: this.failure?.message ?? (this.interrupted ? 'the kernel flagged a dump as interrupted (NLM_F_DUMP_INTR)' : null),
      times: this.times,
    };
    if (out.status === 'ok' && out.count !== null && Math.abs(out.count - expected) > expected * WRONG_COUNT) {
      out.status = 'wrong-count';
      out.note = `returned ${out.count.toLocaleString()} sockets; the table holds ${expected.toLocaleString()}`;
    }
    if (this.peakRss) out.peakRss = this.peakRss;
    return out;
  }
}

/** The methods that run in-process or as short commands: interleaved rounds, each fitting the window. */
async function measureRounds(session, all) {
  const totalMs = all.reduce((sum, r) => sum + r.wanted * r.estimate, 0);
  const rounds = Math.min(
    Math.max(...all.map((r) => r.wanted)),
    Math.max(MIN_ROUNDS, Math.ceil(totalMs / (session.table.fullWindowMs() / 2))),
  );
  for (let round = 0; round < rounds; round++) {
    const order = all.map((_, i) => all[(i + round) % all.length]);
    const planned = order
      .map((r) => [r, Math.floor((r.wanted * (round + 1)) / rounds) - Math.floor((r.wanted * round) / rounds)])
      .filter(([r, n]) => n > 0 && r.left > 0);
    const extraRun = (r) => (round === 0 || r.method.floor ? 1 : 0);
    const roundMs = planned.reduce((sum, [r, n]) => sum + (n + extraRun(r)) * r.estimate + 100, 0);
    log(`${session.label}: round ${round + 1}/${rounds}`);
    await session.ensure(roundMs, `round ${round + 1}`);
    for (const [r, n] of planned) await r.batch(session, Math.min(n, r.left), round === 0);
  }
}

/** A slow peer: batches that fit the window, each call capped at PEER_CAP_MS. */
async function measurePeer(session, r) {
  log(`${session.label}: ${r.method.name}`);
  while (r.left > 0) {
    let n = Math.min(r.left, Math.floor((session.table.remainingMs() - 500) / r.estimate));
    if (n < 1) {
      await session.ensure(r.estimate + 500, r.method.name);
      n = Math.max(1, Math.min(r.left, Math.floor((session.table.remainingMs() - 500) / r.estimate)));
    }
    await r.batch(session, n, false);
  }
}

function expectedCount(name, info, plan) {
  if (name === 'snapshotFiltered') return plan.filterExpected;
  if (name === 'pressure') return info.states.TIME_WAIT;
  return info.snapshotTotal;
}

/** Every method on one table. `previous` (the last size measured) scales the first guesses. */
async function measureSize(session, runsOverride, previous) {
  const info = await session.agent.call('info');
  const size = {
    sockets: info.snapshotTotal,
    snapshotTotal: info.snapshotTotal,
    sockstat: info.sockstat,
    states: info.states,
    ipv4: info.ipv4,
    ipv6: info.ipv6,
    other: info.snapshotTotal - info.states.TIME_WAIT - info.states.ESTABLISHED - info.states.LISTEN,
    plan: { timeWait: session.plan.timeWait, pairs: session.plan.pairs, listeners: session.plan.listeners },
    methods: {},
  };
  const runs = METHODS.map((method) => {
    const prior = previous?.methods[method.name];
    const guess = prior?.max
      ? (prior.max * size.sockets) / previous.sockets
      : method.baseMs + (method.perSocketUs * size.sockets) / 1000;
    return new Runs(method, runsOverride ?? method.runs, Math.min(guess, PEER_CAP_MS));
  });
  await measureRounds(session, runs.filter((r) => !r.method.peer));
  for (const r of runs.filter((r) => r.method.peer)) await measurePeer(session, r);

  for (const r of runs) size.methods[r.method.name] = r.summary(expectedCount(r.method.name, info, session.plan));
  const floors = [size.methods.floorV2, size.methods.floorOnewalk].filter((m) => m.median !== null).map((m) => m.median);
  size.floor = floors.length ? Math.min(...floors) : null;
  for (const m of Object.values(size.methods)) {
    if (size.floor !== null && m.median !== null && (m.status === 'ok' || m.status === 'capped')) m.ratio = m.median / size.floor;
  }
  const tables = runs.flatMap((r) => r.tables);
  size.tableMin = tables.length ? Math.min(...tables) : null;
  size.tableMax = tables.length ? Math.max(...tables) : null;
  size.rebuilds = session.table.rebuilds;
  return size;
}

async function measureLag(session, size) {
  log(`${session.label}: event-loop lag`);
  await session.ensure(2000 + LAG_READS * 2.6 * (size.methods.snapshot.median ?? 100), 'the lag run');
  const child = await session.ns.startNode(path.join(__dirname, 'fresh.js'), ['--expose-gc']);
  try {
    return { size: session.label, ...(await child.call('lag', { reads: LAG_READS })) };
  } finally {
    await child.close();
  }
}

/** SOAK_CALLS snapshot() calls in a fresh process, in chunks that each fit before TIME_WAIT expires. */
async function soak(session, reason) {
  log(`${session.label}: ${SOAK_CALLS.toLocaleString()} snapshot() calls for memory`);
  await session.ensure(10000, 'the memory run');
  const child = await session.ns.startNode(path.join(__dirname, 'fresh.js'), ['--expose-gc']);
  try {
    const warm = performance.now();
    const start = await child.call('soakStart');
    const perCallMs = Math.max(0.05, (performance.now() - warm) / 200);
    const rebuildsBefore = session.table.rebuilds;
    const totals = [start.total];
    let done = 0;
    let chunks = 0;
    while (done < SOAK_CALLS) {
      const n = Math.min(SOAK_CALLS - done, Math.floor((session.table.remainingMs() - 500) / (perCallMs * 1.5)));
      if (n < 100 && n < SOAK_CALLS - done) {
        await session.ensure(Infinity, `the rest of the memory run (${done.toLocaleString()} calls done)`);
        continue;
      }
      const result = await child.call('soakRun', { count: n });
      totals.push(result.total);
      done = result.calls;
      chunks++;
    }
    const end = await child.call('soakFinish');
    return {
      size: session.label,
      table: start.total,
      tableMin: Math.min(...totals),
      tableMax: Math.max(...totals),
      reason,
      chunks,
      rebuilds: session.table.rebuilds - rebuildsBefore,
      ...end,
    };
  } finally {
    await child.close();
  }
}

const soakSeconds = (perCallMs) => (SOAK_CALLS * perCallMs) / 1000;

/** The largest measured table whose SOAK_CALLS reads fit the budget, else a 10k table; and why. */
function soakTable(sizes) {
  const timed = Object.entries(sizes).filter(([, s]) => s.methods.snapshot.median !== null);
  const fits = ([, s]) => soakSeconds(s.methods.snapshot.median) * 1000 <= SOAK_BUDGET_MS;
  const fitting = timed.filter(fits);
  const tooSlow = timed.filter((entry) => !fits(entry));
  const label = fitting.length ? fitting[fitting.length - 1][0] : '10k';
  const why = tooSlow.map(([l, s]) => `the ${l} table would take about ${soakSeconds(s.methods.snapshot.median).toFixed(0)} s`);
  const reason = why.length
    ? `${SOAK_CALLS.toLocaleString()} reads of ${why.join(', of ')}, over ${SOAK_BUDGET_MS / 60000} minutes`
    : 'the largest table measured';
  return { label, reason };
}

/** Median snapshot() and floor time per socket for each size, and the change from the size before. */
function curve(sizes) {
  const out = [];
  let prev = null;
  for (const [label, size] of Object.entries(sizes)) {
    const snapshotMs = size.methods.snapshot.median;
    const c = {
      size: label,
      sockets: size.sockets,
      snapshotMs,
      snapshotUsPerSocket: snapshotMs === null ? null : (snapshotMs * 1000) / size.sockets,
      snapshotMarginalUsPerSocket: null,
      floorMs: size.floor,
      floorUsPerSocket: size.floor === null ? null : (size.floor * 1000) / size.sockets,
      floorMarginalUsPerSocket: null,
    };
    if (prev && size.sockets > prev.sockets) {
      const thousands = (size.sockets - prev.sockets) / 1000;
      if (snapshotMs !== null && prev.snapshotMs !== null) c.snapshotMarginalUsPerSocket = (snapshotMs - prev.snapshotMs) / thousands;
      if (size.floor !== null && prev.floorMs !== null) c.floorMarginalUsPerSocket = (size.floor - prev.floorMs) / thousands;
    }
    out.push(c);
    prev = c;
  }
  return out;
}

module.exports = { METHODS, Session, measureSize, measureLag, soak, soakTable, curve, LAG_READS, SOAK_CALLS };
