'use strict';
// Runs inside the benchmark's network namespace (started through `ip netns exec`) and
// measures there on request over the IPC channel. Every answer is plain JSON.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const tcpstate = require('..');
const { parseSockstat } = require('./namespace');

const PEER_SCRIPT = path.join(__dirname, 'peer.js');
const running = new Set();

const elapsedSince = (start) => Number(process.hrtime.bigint() - start) / 1e6;

function tableSize() {
  const text = fs.readFileSync('/proc/net/sockstat', 'latin1') + fs.readFileSync('/proc/net/sockstat6', 'latin1');
  return parseSockstat(text).total;
}

/** Counts the TCP sockets of /proc/net/tcp and tcp6 per state, the way a plain Node tool would. */
function procfsCounts() {
  const states = new Array(16).fill(0);
  let total = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = fs.readFileSync(file, 'latin1').split('\n');
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      if (line.length === 0) continue;
      const local = line.indexOf(':') + 2;
      const remote = line.indexOf(' ', local) + 1;
      const state = line.indexOf(' ', remote) + 1;
      states[parseInt(line.slice(state, state + 2), 16)]++;
      total++;
    }
  }
  return { total, states };
}

/** Calls measured in this process: each returns the socket count it saw. */
const inProcess = {
  snapshot: () => tcpstate.snapshot().total,
  snapshotAsync: async () => (await tcpstate.snapshotAsync()).total,
  snapshotFiltered: ({ port }) => tcpstate.snapshot({ states: ['TIME_WAIT'], remotePort: port }).total,
  sockets: () => tcpstate.sockets().length,
  pressure: () => tcpstate.pressure().timeWait,
  procfs: () => procfsCounts().total,
};

async function timeInProcess(fn, args, runs, warm) {
  if (warm) await fn(args);
  global.gc?.();
  const times = [];
  let count = null;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    count = await fn(args);
    times.push(elapsedSince(start));
  }
  return { times, count };
}

function timeFloor(binary, mode, runs) {
  const result = spawnSync(binary, [mode, String(runs + 1)], { encoding: 'utf8', timeout: 120000 });
  if (result.status !== 0) throw new Error(`floor ${mode}: ${(result.stderr || result.error?.message || '').trim()}`);
  const rows = result.stdout.trim().split('\n').slice(1).map((line) => line.split(' ').map(Number));
  return { times: rows.map((row) => row[0]), count: rows[rows.length - 1][1], interrupted: rows.some((row) => row[2]) };
}

/** Times ss -tan with its output discarded; when `warm`, first runs it once more to count its lines. */
function timeSs(runs, warm) {
  let count = null;
  if (warm) {
    const captured = spawnSync('ss', ['-tan'], { encoding: 'latin1', maxBuffer: 1 << 30 });
    if (captured.status !== 0) throw new Error(`ss -tan: ${captured.stderr || captured.error?.message}`);
    count = captured.stdout.split('\n').filter(Boolean).length - 1;
  }
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync('ss', ['-tan'], { stdio: ['ignore', 'ignore', 'inherit'] });
    times.push(elapsedSince(start));
    if (result.status !== 0) throw new Error(`ss -tan exited with ${result.status}`);
  }
  return { times, count };
}

/** Runs a peer library in its own process group, one call per line it prints; a call over the cap is killed. */
function timePeer(name, runs, capMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PEER_SCRIPT, name, String(runs)], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    const calls = [];
    let stderr = '';
    let failure = null;
    let timer = null;
    const kill = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        failure = { status: 'capped', message: `a call took longer than ${capMs / 1000} s and was killed` };
        kill();
      }, capMs);
    };
    child.stderr.on('data', (chunk) => (stderr += chunk));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      let call;
      try {
        call = JSON.parse(line);
      } catch {
        return;
      }
      if (call.error) {
        failure = { status: 'failed', message: call.error };
        return;
      }
      if (!call.ready) calls.push(call);
      arm();
    });
    arm();
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      kill();
      if (!failure && code !== 0) failure = { status: 'failed', message: `exit ${signal || code}: ${stderr.trim()}` };
      resolve({
        times: calls.map((call) => call.ms),
        count: calls.length ? calls[calls.length - 1].count : null,
        calls,
        failure,
      });
    });
  });
}

async function measure({ method, runs, warm, port, floor, capMs }) {
  const before = tableSize();
  let result;
  if (method in inProcess) result = await timeInProcess(inProcess[method], { port }, runs, warm);
  else if (method === 'floorV2') result = timeFloor(floor, 'v2', runs);
  else if (method === 'floorOnewalk') result = timeFloor(floor, 'onewalk', runs);
  else if (method === 'ss') result = timeSs(runs, warm);
  else if (method === 'systeminformation' || method === 'nodeNetstat') result = await timePeer(method, runs, capMs);
  else throw new Error(`unknown method ${method}`);
  return { ...result, tableBefore: before, tableAfter: tableSize() };
}

const commands = {
  info() {
    const s = tcpstate.snapshot();
    return { snapshotTotal: s.total, states: s.states, ipv4: s.ipv4.total, ipv6: s.ipv6.total, sockstat: tableSize() };
  },
  measure,
};

process.on('message', async ({ id, command, args }) => {
  try {
    process.send({ id, value: await commands[command](args || {}) });
  } catch (error) {
    process.send({ id, error: error.stack || String(error) });
  }
});
process.on('disconnect', () => {
  for (const child of running) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(0);
});
process.send({ ready: true });
