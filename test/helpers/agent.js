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

function listen({ host, port, ipv6Only = false }) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    held.push(server);
    server.on('connection', (socket) => {
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

const commands = {
  listen,
  pairs,
  timeWait,
  settle,
  call,
  ss: ({ args }) => ss(args),
  readFile: ({ path }) => fs.readFileSync(path, 'utf8'),
  writeFile: ({ path, data }) => (fs.writeFileSync(path, data), true),
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
