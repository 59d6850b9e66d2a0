'use strict';
// Builds a socket table inside a namespace with bench/load and keeps its TIME_WAIT part
// alive: TIME_WAIT lasts 60 s, so measurements must fit in that window or wait for a rebuild.
const readline = require('node:readline');

const TIME_WAIT_MS = 60000;
const WINDOW_MARGIN_MS = 1500;
const TW_PER_PROCESS = 25000; // per destination, well inside the 64,512-port range
const PAIRS_PER_PROCESS = 9000; // 2 fds per pair, under the 20,000-file limit
const LISTENERS_PER_PAIRS_PROCESS = 2;
const TW_CONCURRENCY = 4;
const TOP_UP_ATTEMPTS = 3;
const IPV4_SHARE = 0.6;
const HOSTS = { ipv4: '127.0.0.1', ipv6: '::1' };
const PORTS = { tw: { ipv4: 500, ipv6: 600 }, pairs: { ipv4: 700, ipv6: 800 }, topUp: 900 };

/** TIME_WAIT sockets and established pairs for each table size. */
const SIZES = {
  '1k': { timeWait: 700, pairs: 150 },
  '10k': { timeWait: 7000, pairs: 1500 },
  '100k': { timeWait: 100000, pairs: 20000 },
  '1m': { timeWait: 700000, pairs: 150000 },
};

function split(total, perProcess) {
  const processes = Math.ceil(total / perProcess);
  const out = [];
  for (let i = 0; i < processes; i++) out.push(Math.floor(total / processes) + (i < total % processes ? 1 : 0));
  return out;
}

/** The load processes for a size: per family, counts split so each process stays within its limits. */
function planFor(label) {
  const size = SIZES[label];
  const jobs = { tw: [], pairs: [] };
  for (const kind of ['tw', 'pairs']) {
    const total = kind === 'tw' ? size.timeWait : size.pairs;
    const ipv4 = Math.round(total * IPV4_SHARE);
    const perProcess = kind === 'tw' ? TW_PER_PROCESS : PAIRS_PER_PROCESS;
    for (const [family, count] of [['ipv4', ipv4], ['ipv6', total - ipv4]]) {
      const step = kind === 'pairs' ? LISTENERS_PER_PAIRS_PROCESS : 1;
      split(count, perProcess).forEach((n, i) => {
        jobs[kind].push({ family, host: HOSTS[family], port: PORTS[kind][family] + i * step, count: n });
      });
    }
  }
  const listeners = jobs.pairs.length * LISTENERS_PER_PAIRS_PROCESS;
  return {
    label,
    jobs,
    timeWait: size.timeWait,
    pairs: size.pairs,
    listeners,
    expected: size.timeWait + 2 * size.pairs + listeners,
    filterPort: PORTS.tw.ipv4,
    filterExpected: jobs.tw[0].count,
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function waitExit(child, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not finish within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('error', (error) => (clearTimeout(timer), reject(error)));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (${signal || `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}

function waitReady(child, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => reject(new Error(`${what} was not ready within ${timeoutMs / 1000} s`)), timeoutMs);
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      if (line === 'ready') resolve();
      else reject(new Error(`${what} said "${line}"`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${signal || `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}

class Table {
  constructor(ns, plan, loadBinary) {
    this.ns = ns;
    this.plan = plan;
    this.load = loadBinary;
    this.holders = [];
    this.timeWaitStart = null;
    this.rebuilds = 0;
    this.buildMs = [];
  }

  async build() {
    await this.startPairs();
    await this.buildTimeWait();
  }

  async startPairs() {
    const ready = [];
    for (const job of this.plan.jobs.pairs) {
      const args = ['pairs', job.host, String(job.port), String(job.count), String(LISTENERS_PER_PAIRS_PROCESS)];
      const child = this.ns.spawn(this.load, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      this.holders.push(child);
      ready.push(waitReady(child, `load pairs ${job.host} ${job.count}`, 120000));
    }
    await Promise.all(ready);
  }

  /** Opens and closes the TIME_WAIT connections, a few load processes at a time. */
  async buildTimeWait() {
    const started = performance.now();
    this.timeWaitStart = started;
    await this.runTimeWaitJobs(this.plan.jobs.tw);
    for (let attempt = 0; attempt < TOP_UP_ATTEMPTS; attempt++) {
      const missing = this.plan.timeWait - (await this.settle()).timeWait;
      if (missing <= 0) break;
      await this.runTimeWaitJobs([{ host: HOSTS.ipv4, port: PORTS.topUp + attempt, count: missing }]);
    }
    this.buildMs.push(performance.now() - started);
  }

  async runTimeWaitJobs(jobs) {
    const queue = [...jobs];
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const child = this.ns.spawn(this.load, ['tw', job.host, String(job.port), String(job.count)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        await waitExit(child, `load tw ${job.host} ${job.count}`, 50000);
      }
    };
    await Promise.all(Array.from({ length: TW_CONCURRENCY }, worker));
  }

  /** Waits until no socket is still on its way to TIME_WAIT and the count holds still. */
  async settle() {
    const deadline = performance.now() + 5000;
    let last = null;
    for (;;) {
      const stat = this.ns.sockstat();
      if (stat.orphan === 0 && last && stat.timeWait === last.timeWait) return stat;
      if (performance.now() > deadline) return stat;
      last = stat;
      await sleep(50);
    }
  }

  /** Milliseconds left before the oldest TIME_WAIT socket of this build expires (with a margin). */
  remainingMs() {
    if (this.timeWaitStart === null) return Infinity;
    return this.timeWaitStart + TIME_WAIT_MS - WINDOW_MARGIN_MS - performance.now();
  }

  /** The longest window a fresh build gives. */
  fullWindowMs() {
    const build = this.buildMs.length ? Math.max(...this.buildMs) : 0;
    return TIME_WAIT_MS - WINDOW_MARGIN_MS - build;
  }

  /** Waits for the current TIME_WAIT sockets to expire, then builds them again. */
  async rebuildTimeWait() {
    const waitUntil = this.timeWaitStart + TIME_WAIT_MS;
    const giveUp = waitUntil + 30000 + Math.max(0, ...this.buildMs);
    await sleep(Math.max(0, waitUntil - performance.now()));
    while (this.ns.sockstat().timeWait > 0) {
      if (performance.now() > giveUp) throw new Error('TIME_WAIT sockets did not expire in time');
      await sleep(100);
    }
    this.rebuilds++;
    await this.buildTimeWait();
  }

  stop() {
    for (const child of this.holders) {
      child.stdin.end();
      child.kill('SIGKILL');
    }
    this.holders = [];
  }
}

module.exports = { Table, planFor, SIZES };
