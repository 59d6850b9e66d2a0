'use strict';
// Paced connection loads inside a test network namespace, and compact pressure() reads.
//
// A load runs in a process of its own (started with `ip netns exec`, driven over IPC), so
// that its schedule and the reads in the namespace's agent do not hold each other up. It
// connects on a fixed schedule (phases of a rate and a duration), closes each connection
// the way the scenario asks, and records the wall time and the result of every connect.
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const assert = require('node:assert/strict');

/** Codes of warnings about ephemeral ports toward a destination. */
const DESTINATION_CODES = ['DESTINATION_PORTS_HIGH', 'DESTINATION_PORTS_EXHAUSTED', 'CLOSE_RATE_ABOVE_LIMIT'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- inside the namespace: reads (run by the agent's `run` command) ----

/**
 * One pressure() read, reduced to what the scenarios check. `since` is the timestamp of
 * the previous read (the exact close count since then), or null for the single-read estimator.
 */
function read({ filter = {}, since = null, remotePort = null }) {
  const tcpstate = require('../..');
  const options = { ...filter, top: 10 };
  if (since !== null) options.since = { timestamp: since };
  const p = tcpstate.pressure(options);
  const d = remotePort === null ? null : p.destinations.find((x) => x.remotePort === remotePort) ?? null;
  return {
    t: p.timestamp,
    since: since !== null,
    destination: d && {
      status: d.status,
      closeRate: d.closeRate,
      secondsToExhaustion: d.secondsToExhaustion,
      utilization: d.utilization,
      portsInUse: d.portsInUse,
      timeWait: d.timeWait,
      established: d.established,
      reusable: d.reusable,
      maxConnectRate: d.maxConnectRate,
    },
    codes: p.warnings.map((w) => (w.destination ? `${w.code}@${w.destination.remotePort}` : w.code)),
    hostPorts: p.hostPorts,
    timeWait: p.timeWait,
    clientSideTimeWait: p.clientSideTimeWait,
    serverSideTimeWait: p.serverSideTimeWait,
    destinationCount: p.destinationCount,
    range: { available: p.range.available, maxConnectRate: p.range.maxConnectRate, timeWaitReuse: p.range.timeWaitReuse },
  };
}

// ---- inside the namespace: the load process ----

function listen({ host, port, closeFirst }) {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ allowHalfOpen: false }, (socket) => {
      socket.on('error', () => {});
      socket.resume();
      if (closeFirst) socket.end();
    });
    server.once('error', reject);
    server.listen({ host, port, backlog: 4096 }, () => resolve(server));
  });
}

/**
 * One connection: resolves [time of the connect result, 0 or the error code] and closes it:
 * `destroy` (the client closes first), `end` (the client sends FIN first) or `wait` (the
 * server closes first, the client follows).
 */
function netAttempt({ host, port, localAddress, close }, record) {
  return new Promise((resolve) => {
    const options = { host, port };
    if (localAddress) options.localAddress = localAddress;
    const socket = net.connect(options);
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      record(0);
      if (close === 'destroy') socket.destroy();
      else if (close === 'end') socket.end();
    });
    socket.on('error', (error) => {
      if (!connected) record(error.code || String(error.message));
    });
    socket.once('close', resolve);
    socket.resume();
  });
}

/** One MySQL session with mysql2: connect, SELECT 1, then `end()` (COM_QUIT) or `destroy()`. */
async function mysqlAttempt({ host, port, close }, record) {
  const mysql = require('mysql2/promise');
  let connection;
  try {
    connection = await mysql.createConnection({ host, port, user: 'root', connectTimeout: 20000 });
  } catch (error) {
    record(error.code || String(error.message));
    return;
  }
  record(0);
  try {
    await connection.query('SELECT 1');
  } catch {
    // counted by the connect result only
  }
  if (close === 'end') await connection.end().catch(() => {});
  else connection.destroy();
}

/** One mysql2 session that must work (`SELECT 1`, then `end()`): true, or the error's message. */
async function mysqlPing({ host = '127.0.0.1', port }) {
  const mysql = require('mysql2/promise');
  try {
    const connection = await mysql.createConnection({ host, port, user: 'root', connectTimeout: 5000 });
    const [rows] = await connection.query('SELECT 1 AS one');
    await connection.end();
    return rows[0].one === 1 ? true : `SELECT 1 gave ${JSON.stringify(rows)}`;
  } catch (error) {
    return `${error.code ?? ''} ${error.message}`;
  }
}

/**
 * Connects on schedule: `phases` of { rate, seconds }. Stops `tailSeconds` after the first
 * connect that fails with EADDRNOTAVAIL (or `failCodes`), or when the phases end.
 * Returns every connect result as [ms since the epoch, 0 | error code], in order of results,
 * and the wall times at which each phase began.
 */
async function load(spec) {
  const { host = '127.0.0.1', port, listener = null, phases, tailSeconds = 5, kind = 'net' } = spec;
  const failCodes = spec.failCodes ?? ['EADDRNOTAVAIL'];
  const server = listener ? await listen({ host, port, closeFirst: listener.closeFirst }) : null;
  const results = [];
  const phaseStarts = [];
  const inFlight = new Set();
  let firstFailure = null;
  const attempt = kind === 'mysql' ? mysqlAttempt : netAttempt;
  const target = { ...spec, host, port };
  const start = performance.now();
  let offset = 0; // ms from start at which the current phase begins
  let attempts = 0;
  outer: for (const { rate, seconds } of phases) {
    phaseStarts.push(Date.now());
    const count = Math.round(rate * seconds);
    for (let i = 0; i < count; i++) {
      const due = start + offset + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (firstFailure !== null && Date.now() - firstFailure >= tailSeconds * 1000) break outer;
      attempts++;
      const promise = attempt(target, (code) => {
        const at = Date.now();
        results.push([at, code]);
        if (code !== 0 && failCodes.includes(code) && firstFailure === null) firstFailure = at;
      });
      inFlight.add(promise);
      promise.finally(() => inFlight.delete(promise));
    }
    offset += seconds * 1000;
  }
  // Let the last connections finish (bounded: a wedged one is left to the namespace's end).
  await Promise.race([Promise.all([...inFlight]), sleep(15000)]);
  if (server) await new Promise((resolve) => server.close(resolve));
  return { attempts, results, phaseStarts, startedAt: phaseStarts[0], endedAt: Date.now(), leftOpen: inFlight.size };
}

if (require.main === module) {
  process.on('message', async (spec) => {
    try {
      process.send({ value: await load(spec) });
    } catch (error) {
      process.send({ error: error.stack || String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true });
}

// ---- in the test: driving a load and the reads ----

const running = new Set();

/** Runs load(spec) in a new process inside `ns`; resolves its result. */
function runLoad(ns, spec) {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns.name, process.execPath, __filename], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    running.add(child);
    let settled = false;
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      fn(value);
      child.disconnect?.();
    };
    child.on('message', (message) => {
      if (message.ready) child.send(spec);
      else if (message.error) finish(reject, new Error(`load: ${message.error}`));
      else finish(resolve, message.value);
    });
    child.once('error', (error) => finish(reject, error));
    child.once('exit', (code, signal) => {
      running.delete(child);
      finish(reject, new Error(`load exited with ${code ?? signal}`));
    });
  });
}

/** Kills the load processes still running (after a failed test). */
async function stopLoads() {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGKILL');
        }),
    ),
  );
}

/**
 * Reads pressure() in `ns` every `intervalMs` until `done` settles: each tick one read
 * with `since` (the previous tick's read) and one without. Resolves the reads, oldest first.
 */
async function poll(ns, { done, filter, remotePort, intervalMs = 500 }) {
  const module = __filename;
  let finished = false;
  done.then(
    () => (finished = true),
    () => (finished = true),
  );
  const reads = [];
  let previous = null;
  while (!finished) {
    const tick = performance.now();
    const single = await ns.send('run', { module, fn: 'read', args: { filter, remotePort } });
    reads.push(single);
    if (previous !== null) {
      reads.push(await ns.send('run', { module, fn: 'read', args: { filter, remotePort, since: previous } }));
    }
    previous = single.t;
    const wait = intervalMs - (performance.now() - tick);
    if (wait > 0) await sleep(wait);
  }
  return reads;
}

/** Connect results split into successes and failures, with the first failure's time. */
function summarize(result, code = 'EADDRNOTAVAIL') {
  const results = [...result.results].sort((a, b) => a[0] - b[0]);
  const failures = results.filter(([, c]) => c !== 0);
  const firstFailure = failures.find(([, c]) => c === code)?.[0] ?? null;
  const otherCodes = [...new Set(failures.map(([, c]) => c).filter((c) => c !== code))];
  return { results, ok: results.length - failures.length, failed: failures.length, firstFailure, otherCodes };
}

/**
 * Whether connects were failing at time `t`: the last connect result before it and the
 * first after it both failed.
 */
function failingAt(results, t) {
  let before = null;
  let after = null;
  for (const r of results) {
    if (r[0] <= t) before = r;
    else {
      after = r;
      break;
    }
  }
  return before !== null && after !== null && before[1] !== 0 && after[1] !== 0;
}

/** A read's destination warning codes toward `remotePort`, without the port suffix. */
function destinationCodes(read, remotePort) {
  return read.codes.filter((c) => c.endsWith(`@${remotePort}`)).map((c) => c.split('@')[0]);
}

/** One line per read for failure messages: time from `origin`, status, figures, codes. */
function describeReads(reads, origin, remotePort) {
  return reads
    .map((r) => {
      const d = r.destination;
      const s = ((r.t - origin) / 1000).toFixed(2);
      const codes = destinationCodes(r, remotePort).join(',') || '-';
      if (!d) return `${s}s ${r.since ? 'since ' : 'single'} none ${codes}`;
      const rate = d.closeRate === null ? 'null' : d.closeRate.toFixed(1);
      const ste = d.secondsToExhaustion === null ? 'null' : d.secondsToExhaustion.toFixed(1);
      return `${s}s ${r.since ? 'since ' : 'single'} ${d.status} inUse=${d.portsInUse} tw=${d.timeWait} rate=${rate} ste=${ste} ${codes}`;
    })
    .join('\n');
}

const seconds = (ms) => (ms / 1000).toFixed(2);
const has = (read, port, ...codes) => destinationCodes(read, port).some((c) => codes.includes(c));

/**
 * The verdict on a load that runs a destination out of ports, for both estimators:
 * - the first read that warns (CLOSE_RATE_ABOVE_LIMIT or DESTINATION_PORTS_HIGH) with a
 *   non-null secondsToExhaustion comes at least 5 s before the first EADDRNOTAVAIL;
 * - its predicted failure time (read time + secondsToExhaustion) lies within 30 % of the
 *   lead, or 4 s, of the actual one;
 * - every read taken while connects fail (the connect results on both sides of it failed)
 *   has DESTINATION_PORTS_EXHAUSTED or CLOSE_RATE_ABOVE_LIMIT.
 * Returns the key figures per estimator.
 */
function checkExhaustion(t, { summary, reads, result }, port) {
  const { firstFailure, results } = summary;
  assert.deepEqual(summary.otherCodes, [], 'connects fail with EADDRNOTAVAIL only');
  assert.ok(firstFailure !== null, `the load ran the destination out of ports (${summary.ok} connects)`);
  const origin = result.startedAt;
  const figures = {};
  const problems = [];
  for (const since of [false, true]) {
    const name = since ? 'since' : 'single';
    const own = reads.filter((r) => r.since === since);
    const fail = (message) => problems.push(`${name}: ${message}`);
    const warning = own.find(
      (r) => r.destination && r.destination.secondsToExhaustion !== null && has(r, port, 'CLOSE_RATE_ABOVE_LIMIT', 'DESTINATION_PORTS_HIGH'),
    );
    const failing = own.filter((r) => failingAt(results, r.t));
    figures[name] = { firstFailureAt: +seconds(firstFailure - origin), failingReads: failing.length };
    if (!warning) fail('no read warned with a time to exhaustion');
    else {
      const lead = firstFailure - warning.t;
      const predicted = warning.t + warning.destination.secondsToExhaustion * 1000;
      const error = predicted - firstFailure;
      const tolerance = Math.max(4000, 0.3 * lead);
      Object.assign(figures[name], {
        firstWarningAt: +seconds(warning.t - origin),
        leadSeconds: +seconds(lead),
        predictedAt: +seconds(predicted - origin),
        closeRate: +warning.destination.closeRate.toFixed(2),
        secondsToExhaustion: +warning.destination.secondsToExhaustion.toFixed(2),
      });
      // The predictions of the first few warning reads, for the report.
      figures[name].predictions = own
        .filter((r) => r.t >= warning.t && r.t < firstFailure && r.destination && r.destination.secondsToExhaustion !== null)
        .slice(0, 4)
        .map((r) => [+seconds(r.t - origin), +seconds(r.t + r.destination.secondsToExhaustion * 1000 - origin)]);
      if (lead < 5000) fail(`the first warning came ${seconds(lead)} s before the first EADDRNOTAVAIL, not 5 s or more`);
      // The first read after a sharp change sees only the few closes made since it (at 0.1 s
      // into a jump to 50/s, six): its figure is a first estimate. From a second after the
      // first warning until 5 s before the failure, every prediction must be close.
      const settled = own.filter((r) => r.t >= warning.t + 1000 && r.t <= firstFailure - 5000);
      if (settled.length === 0) fail('no warning read between 1 s after the first warning and 5 s before the failure');
      for (const r of settled) {
        const at = r.destination ? r.destination.secondsToExhaustion : null;
        if (at === null) {
          fail(`the read at ${seconds(r.t - origin)} s, after the warning began, has no time to exhaustion`);
          continue;
        }
        const off = r.t + at * 1000 - firstFailure;
        const allowed = Math.max(4000, 0.3 * (firstFailure - r.t));
        if (Math.abs(off) > allowed) {
          fail(`the read at ${seconds(r.t - origin)} s predicts the failure at ${seconds(r.t + at * 1000 - origin)} s, ` +
            `${seconds(off)} s off the actual one (tolerance ${seconds(allowed)} s)`);
        }
      }
      figures[name].firstWarningError = +seconds(error);
      figures[name].firstWarningWithinTolerance = Math.abs(error) <= tolerance;
    }
    if (failing.length === 0) fail('no read fell between two failed connects');
    const silent = failing.filter((r) => !has(r, port, 'DESTINATION_PORTS_EXHAUSTED', 'CLOSE_RATE_ABOVE_LIMIT'));
    if (silent.length > 0) {
      fail(`${silent.length} of ${failing.length} reads while connects failed have neither DESTINATION_PORTS_EXHAUSTED nor CLOSE_RATE_ABOVE_LIMIT:\n` +
        describeReads(silent, origin, port));
    }
    if (problems.some((p) => p.startsWith(name))) {
      problems.push(`reads (${name}), seconds from the load's start; first EADDRNOTAVAIL at ${seconds(firstFailure - origin)} s:\n` +
        describeReads(own, origin, port));
    }
  }
  t.diagnostic(JSON.stringify({ connects: summary.ok, failed: summary.failed, ...figures }));
  assert.ok(problems.length === 0, problems.join('\n'));
  return figures;
}

module.exports = {
  DESTINATION_CODES,
  read,
  load,
  runLoad,
  stopLoads,
  poll,
  summarize,
  failingAt,
  destinationCodes,
  describeReads,
  seconds,
  has,
  checkExhaustion,
  mysqlPing,
  path: path.resolve(__filename),
};
