'use strict';
// Runs inside a test network namespace (started through `ip netns exec`), talks to
// the test over the IPC channel: it opens real sockets there and reads them back.
const net = require('node:net');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const tcpstate = require('../..');

const held = []; // sockets and servers kept open for the scenario
const accepted = new Map(); // server ends by their remote port, as accepted

function tuple(socket, state) {
  return {
    family: net.isIPv6(socket.localAddress) ? 'ipv6' : 'ipv4',
    state,
    localAddress: socket.localAddress,
    localPort: socket.localPort,
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
  };
}

// closeFirst: the server ends each connection as soon as it is accepted, so TIME_WAIT lands on the server side.
function listen({ host, port, ipv6Only = false, closeFirst = false }) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    held.push(server);
    server.on('connection', (socket) => {
      if (closeFirst) {
        socket.on('error', () => {});
        socket.end();
        return;
      }
      held.push(socket);
      accepted.set(socket.remotePort, socket);
    });
    server.once('error', reject);
    server.listen({ host, port, ipv6Only, backlog: 511 }, () => {
      const address = server.address();
      const v6 = address.family === 'IPv6' || address.family === 6;
      resolve({
        family: v6 ? 'ipv6' : 'ipv4',
        state: 'LISTEN',
        localAddress: address.address,
        localPort: address.port,
        remoteAddress: v6 ? '::' : '0.0.0.0',
        remotePort: 0,
      });
    });
  });
}

function connect(host, port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

// Established pairs: both ends stay open. Returns the client ends' tuples and the server ends'.
async function pairs({ host, port, count }) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const socket = await connect(host, port);
    held.push(socket);
    out.push(tuple(socket, 'ESTABLISHED'));
    // The server end, as the server sees it (IPv4-mapped on a dual-stack listener).
    while (!accepted.has(socket.localPort)) await new Promise((r) => setImmediate(r));
    out.push(tuple(accepted.get(socket.localPort), 'ESTABLISHED'));
  }
  return out;
}

// The client closes first, so the client end goes to TIME_WAIT; the server end closes.
async function timeWait({ host, port, count }) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const socket = await connect(host, port);
    out.push(tuple(socket, 'TIME_WAIT'));
    await new Promise((resolve) => {
      socket.once('close', resolve);
      socket.end();
    });
  }
  return out;
}

// The server closes first: resolves once the client end has closed too.
async function serverCloses({ host, port, count }) {
  for (let i = 0; i < count; i++) {
    const socket = await connect(host, port);
    await new Promise((resolve) => {
      socket.once('close', resolve);
      socket.on('end', () => socket.end());
    });
  }
  return count;
}

// Opens and closes connections (client first) until `count` or until connect() fails;
// calls pressure() after every `every` closes. Returns the readings and the error code.
async function exhaust({ host, port, count, every, options }) {
  const readings = [];
  let closed = 0;
  for (;;) {
    if (closed === count) return { closed, readings, error: null };
    try {
      await timeWait({ host, port, count: 1 });
    } catch (error) {
      return { closed, readings, error: error.code };
    }
    closed++;
    if (closed % every === 0) readings.push({ closed, pressure: tcpstate.pressure(options) });
  }
}

// Closes connections at `rate` per second for `seconds`, on a fixed schedule, then
// reads pressure(); reports the rate actually achieved up to that read.
async function closeAtRate({ host, port, rate, seconds, options }) {
  const start = performance.now();
  const total = Math.round(rate * seconds);
  let first = null;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await timeWait({ host, port, count: 1 });
    if (first === null) first = performance.now();
  }
  const pressure = tcpstate.pressure(options);
  const elapsed = (performance.now() - first) / 1000;
  return { closes: total, elapsed, pressure };
}

// Iterates watch(); between ticks opens `perTick` listeners, then breaks after `ticks`.
async function watchOpening({ intervalMs, ticks, perTick, basePort }) {
  const out = [];
  let port = basePort;
  for await (const tick of tcpstate.watch({ intervalMs, states: ['LISTEN'] })) {
    out.push({ total: tick.total, delta: tick.delta, ratePerSec: tick.ratePerSec, timestamp: tick.timestamp, at: performance.now() });
    if (out.length === ticks) break;
    for (let i = 0; i < perTick; i++) await listen({ host: '127.0.0.1', port: port++ });
  }
  return out;
}

function ss(args = []) {
  return execFileSync('ss', ['-tanH', ...args], { encoding: 'utf8' });
}

// Waits until no socket is left between states (LAST_ACK, FIN_WAIT*, CLOSING) so counts are exact.
async function settle() {
  const deadline = Date.now() + 10000;
  for (;;) {
    const busy = ss(['state', 'last-ack', 'state', 'fin-wait-1', 'state', 'fin-wait-2', 'state', 'closing']).trim();
    if (!busy) return true;
    if (Date.now() > deadline) throw new Error(`sockets did not settle:\n${busy}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function call({ fn, options }) {
  try {
    return { value: await tcpstate[fn](options) };
  } catch (error) {
    return { error: { name: error.name, code: error.code, message: error.message } };
  }
}

// Opens and closes connections from `parallel` loops as fast as they go, for
// `seconds` or until `limit` connections; each is closed by the client. Returns how many.
async function churn({ host, port, seconds, parallel, limit = Infinity }) {
  const until = performance.now() + seconds * 1000;
  let count = 0;
  const loop = async () => {
    while (performance.now() < until && count < limit) {
      await timeWait({ host, port, count: 1 });
      count++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, loop));
  return count;
}

const commands = {
  churn,
  listen,
  pairs,
  timeWait,
  serverCloses,
  exhaust,
  closeAtRate,
  watchOpening,
  settle,
  call,
  ss: ({ args }) => ss(args),
  readFile: ({ path }) => fs.readFileSync(path, 'utf8'),
  writeFile: ({ path, data }) => (fs.writeFileSync(path, data), true),
  // Calls `fn` of a test helper module inside the namespace.
  run: ({ module, fn, args: fnArgs }) => require(module)[fn](fnArgs),
};

process.on('message', async ({ id, command, args }) => {
  try {
    const value = await commands[command](args || {});
    process.send({ id, value });
  } catch (error) {
    process.send({ id, error: error.stack || String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
