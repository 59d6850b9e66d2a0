'use strict';
// The table test/windows.test.js builds for Windows' host-wide pool, from the Linux side of
// its namespace: listeners on 127.0.0.1 (one per destination) and on [fe80::1%<dummy>], and
// client-closed connections to each, every one on a local port of its own inside Windows'
// default dynamic range (as Windows hands them out: libuv binds each outgoing socket to port
// 0, and a port so bound is the connection's own). The client ends stay in TIME_WAIT (60 s on
// Linux) and hold no file descriptor. Run inside the namespace by the agent (`run`).
const net = require('node:net');

/** Windows' default dynamic range, 49152-65535 (16,384 ports). */
const LOW = 49152;
const SIZE = 16384;
/** Five destinations of 2,700 client ports each: 13,500 (82 % of the pool), each 16 %. */
const DESTINATIONS = [5101, 5102, 5103, 5104, 5105];
const PER_DESTINATION = 2700;
const TOTAL = DESTINATIONS.length * PER_DESTINATION;
/** The link-local listener, its port and the dummy interface that carries fe80::1. */
const LINK_LOCAL = { address: 'fe80::1', device: 'tcpstate0', port: 5201, connections: 3 };

const servers = [];

function listen(options) {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.resume(); // ends its side when the client's FIN comes (allowHalfOpen false)
    });
    servers.push(server);
    server.once('error', reject);
    server.listen({ backlog: 4096, ...options }, () => resolve(server));
  });
}

/** One connection from `localPort`, closed by the client first: its end goes to TIME_WAIT. */
function closeFromClient(options) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(options, () => socket.end());
    socket.once('error', reject);
    socket.resume();
    socket.once('close', resolve);
  });
}

/**
 * Opens a listener per destination on 127.0.0.1 and one on [fe80::1%<device>], and keeps
 * `linkLocal.connections` connections to the latter open (both ends carry a scope id).
 */
async function open({ linkLocal }) {
  for (const port of DESTINATIONS) await listen({ host: '127.0.0.1', port });
  const host = `${linkLocal.address}%${linkLocal.device}`;
  await listen({ host, port: linkLocal.port, ipv6Only: true });
  for (let i = 0; i < linkLocal.connections; i++) {
    const socket = await new Promise((resolve, reject) => {
      const s = net.connect({ host, port: linkLocal.port }, () => resolve(s));
      s.once('error', reject);
    });
    servers.push(socket);
  }
  return true;
}

/**
 * Closes TOTAL connections to the listeners open() made, from `parallel` loops; destination
 * i takes the local ports LOW + i * PER_DESTINATION onward, so no port serves two
 * connections. Resolves how many and how long it took.
 */
async function fill({ parallel = 64 } = {}) {
  const started = Date.now();
  const jobs = [];
  DESTINATIONS.forEach((port, i) => {
    for (let k = 0; k < PER_DESTINATION; k++) {
      jobs.push({ host: '127.0.0.1', port, localAddress: '127.0.0.1', localPort: LOW + i * PER_DESTINATION + k });
    }
  });
  let next = 0;
  const loop = async () => {
    while (next < jobs.length) await closeFromClient(jobs[next++]);
  };
  await Promise.all(Array.from({ length: parallel }, loop));
  return { connections: jobs.length, ms: Date.now() - started };
}

module.exports = { open, fill, LOW, SIZE, DESTINATIONS, PER_DESTINATION, TOTAL, LINK_LOCAL };
