'use strict';
// Prints this host's TCP socket table in a few lines: states per family, and where TIME_WAIT piles up.
const tcpstate = require('..');

const snapshot = tcpstate.snapshot();
console.log(`${snapshot.total} TCP sockets, read from ${snapshot.source} in ${snapshot.durationMs.toFixed(2)} ms` +
  (snapshot.consistent ? '' : ' (the table changed during the read)'));
console.log(`${'state'.padEnd(12)} ${'ipv4'.padStart(8)} ${'ipv6'.padStart(8)}`);
for (const state of tcpstate.STATES) {
  if (snapshot.states[state] === 0) continue;
  console.log(`${state.padEnd(12)} ${String(snapshot.ipv4.states[state]).padStart(8)} ${String(snapshot.ipv6.states[state]).padStart(8)}`);
}

const byDestination = new Map();
for (const socket of tcpstate.sockets({ states: ['TIME_WAIT'] })) {
  const key = `${socket.remoteAddress} port ${socket.remotePort}`;
  byDestination.set(key, (byDestination.get(key) || 0) + 1);
}
const busiest = [...byDestination].sort((a, b) => b[1] - a[1]).slice(0, 5);
if (busiest.length > 0) {
  console.log('TIME_WAIT by remote endpoint:');
  for (const [key, count] of busiest) console.log(`  ${String(count).padStart(7)}  ${key}`);
}
