'use strict';
// One known socket table, built in a test namespace, shared by the CLI and metrics tests.

const SYSCTL = '/proc/sys/net/ipv4/';

/**
 * A 10,000-port range with TIME_WAIT reuse off (so no TIME_WAIT socket is taken over),
 * listeners on 127.0.0.1:5001 and [::1]:6001, 3 established pairs to 5001, and
 * connections closed client-first: 20 to 5001, 4 to 6001.
 */
async function buildScenario(ns) {
  await ns.send('writeFile', { path: `${SYSCTL}ip_local_port_range`, data: '40000 49999\n' });
  await ns.send('writeFile', { path: `${SYSCTL}tcp_tw_reuse`, data: '0\n' });
  await ns.send('listen', { host: '127.0.0.1', port: 5001 });
  await ns.send('listen', { host: '::1', port: 6001 });
  await ns.send('pairs', { host: '127.0.0.1', port: 5001, count: 3 });
  await ns.send('timeWait', { host: '127.0.0.1', port: 5001, count: 20 });
  await ns.send('timeWait', { host: '::1', port: 6001, count: 4 });
  await ns.send('settle');
  return EXPECTED;
}

const EXPECTED = {
  total: 32,
  ipv4: { LISTEN: 1, ESTABLISHED: 6, TIME_WAIT: 20 },
  ipv6: { LISTEN: 1, TIME_WAIT: 4 },
  range: { low: 40000, high: 49999, size: 10000, reserved: 0, available: 10000 },
  timeWait: { total: 24, clientSide: 24, serverSide: 0, other: 0 },
  // Destinations that use ephemeral ports, busiest first.
  destinations: [
    { family: 'ipv4', localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: 5001, portsInUse: 23, timeWait: 20, established: 3 },
    { family: 'ipv6', localAddress: '::1', remoteAddress: '::1', remotePort: 6001, portsInUse: 4, timeWait: 4, established: 0 },
  ],
  warnings: ['RANGE_NARROWER_THAN_DEFAULT'],
};

module.exports = { buildScenario, EXPECTED };
