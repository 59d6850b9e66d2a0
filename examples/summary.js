'use strict';
// Prints this host's TCP socket table in a few lines: states per family, the ephemeral
// range, the destinations that use most of it, and any warnings.
const tcpstate = require('..');

const snapshot = tcpstate.snapshot();
console.log(`${snapshot.total} TCP sockets, read from ${snapshot.source} in ${snapshot.durationMs.toFixed(2)} ms` +
  (snapshot.consistent ? '' : ' (the table changed during the read)'));
console.log(`${'state'.padEnd(12)} ${'ipv4'.padStart(8)} ${'ipv6'.padStart(8)}`);
for (const state of tcpstate.STATES) {
  if (snapshot.states[state] === 0) continue;
  console.log(`${state.padEnd(12)} ${String(snapshot.ipv4.states[state]).padStart(8)} ${String(snapshot.ipv6.states[state]).padStart(8)}`);
}

const pressure = tcpstate.pressure({ top: 5 });
const { range } = pressure;
console.log(`ephemeral ports ${range.low}-${range.high}: ${range.available} available, ` +
  `${range.timeWaitSeconds} s TIME_WAIT, at most ${range.maxConnectRate.toFixed(0)} new connections/s per destination`);
console.log(`TIME_WAIT ${pressure.timeWait} (client side ${pressure.clientSideTimeWait}, server side ${pressure.serverSideTimeWait}), ` +
  `closing ${pressure.closeRate === null ? '?' : pressure.closeRate.toFixed(1)}/s`);
for (const d of pressure.destinations.filter((d) => d.portsInUse > 0)) {
  const rate = d.closeRate === null ? '?' : d.closeRate.toFixed(1);
  console.log(`  ${(d.utilization * 100).toFixed(1).padStart(5)}%  ${String(d.portsInUse).padStart(6)} ports  ${rate.padStart(7)} closes/s  ` +
    `${d.localAddress} -> ${d.remoteAddress}:${d.remotePort}`);
}
for (const warning of pressure.warnings) console.log(`warning ${warning.code}: ${warning.message}`);
