'use strict';
// Prints this host's TCP socket table in a few lines from one read: states per family, the
// ephemeral range, the destinations that use most of it with their status, and any warnings.
const tcpstate = require('..');

const pressure = tcpstate.pressure({ top: 5 });
const { snapshot, range } = pressure;
console.log(`${snapshot.total} TCP sockets, read from ${snapshot.source} in ${snapshot.durationMs.toFixed(2)} ms` +
  (snapshot.consistent ? '' : ' (the table changed during the read)'));
console.log(`${'state'.padEnd(12)} ${'ipv4'.padStart(8)} ${'ipv6'.padStart(8)}`);
for (const state of tcpstate.STATES) {
  if (snapshot.states[state] === 0) continue;
  console.log(`${state.padEnd(12)} ${String(snapshot.ipv4.states[state]).padStart(8)} ${String(snapshot.ipv6.states[state]).padStart(8)}`);
}

const fixed = (n, digits = 1) => (n === null ? '?' : n.toFixed(digits));
console.log(`ephemeral ports ${range.low}-${range.high}: ${range.available} available, ` +
  `${range.timeWaitSeconds} s TIME_WAIT, at most ${fixed(range.maxConnectRate)} new connections/s per destination` +
  (range.maxReuseConnectRate === null ? '' : ` (${fixed(range.maxReuseConnectRate, 0)}/s where TIME_WAIT reuse applies: ${range.timeWaitReuse})`));
console.log(`TIME_WAIT ${pressure.timeWait} (client side ${pressure.clientSideTimeWait}, server side ${pressure.serverSideTimeWait}), ` +
  `closing ${fixed(pressure.closeRate)}/s; ${pressure.hostPorts.inUse} ports of the range held host-wide`);
for (const d of pressure.destinations.filter((d) => d.portsInUse > 0)) {
  const out = d.secondsToExhaustion === null ? '' : d.secondsToExhaustion === 0 ? ', out of ports now' : `, out of ports in ${fixed(d.secondsToExhaustion)} s`;
  console.log(`  ${(d.utilization * 100).toFixed(1).padStart(5)}%  ${String(d.portsInUse).padStart(6)} ports  ` +
    `${fixed(d.closeRate).padStart(7)} of ${fixed(d.maxConnectRate)} closes/s  ${d.status.padEnd(9)} ` +
    `${d.localAddress} -> ${d.remoteAddress}:${d.remotePort}${out}`);
}
for (const warning of pressure.warnings) console.log(`warning ${warning.code}: ${warning.message}`);
