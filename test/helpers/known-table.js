'use strict';
// The socket table several tests build in their namespace, in known numbers:
//   L4  listener 127.0.0.1:4001        L6 listener [::1]:6001      LD dual-stack listener [::]:7001
//   E4  3 pairs 127.0.0.1 -> 4001      E6 2 pairs ::1 -> 6001      EM 2 IPv4 clients -> 7001 (IPv4-mapped server ends)
//   TW4 5 client-closed 127.0.0.1 -> 4001                          TW6 4 client-closed ::1 -> 6001

/** Builds it through the namespace's agent; resolves every socket's expected row. */
async function buildKnownTable(ns) {
  const listeners = [
    await ns.send('listen', { host: '127.0.0.1', port: 4001 }),
    await ns.send('listen', { host: '::1', port: 6001 }),
    await ns.send('listen', { host: '::', port: 7001, ipv6Only: false }),
  ];
  const expected = [
    ...listeners,
    ...(await ns.send('pairs', { host: '127.0.0.1', port: 4001, count: 3 })),
    ...(await ns.send('pairs', { host: '::1', port: 6001, count: 2 })),
    ...(await ns.send('pairs', { host: '127.0.0.1', port: 7001, count: 2 })),
    ...(await ns.send('timeWait', { host: '127.0.0.1', port: 4001, count: 5 })),
    ...(await ns.send('timeWait', { host: '::1', port: 6001, count: 4 })),
  ];
  await ns.send('settle');
  return expected;
}

module.exports = { buildKnownTable };
