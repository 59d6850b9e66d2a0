'use strict';
// The Windows backend for real: the addon cross-built with MinGW-w64 and loaded by a
// Windows node.exe under Wine, in a network namespace whose socket table the test builds
// (Wine's GetExtendedTcpTable reads the table of the namespace its processes run in).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { Namespace, rootSkipReason } = require('./helpers/netns');
const { buildKnownTable } = require('./helpers/known-table');
const { matches, keys } = require('./helpers/rows');
const { WinePrefix, nodeExe, wineSkipReason, cache } = require('./win/wine');
const { buildWindows } = require('../scripts/build-win');
const { FILTERS, EXPECTED, registryCalls, faultCalls, PARAMETERS } = require('./win/scenario');

const skip = rootSkipReason() ?? wineSkipReason() ?? false;

function withoutTiming(value) {
  const { timestamp, durationMs, ...rest } = value;
  return rest;
}

// Two reads differ in their timing and in the kernel's counters (Wine reads the host's).
function pressureWithoutTiming(p) {
  const { counters, ...rest } = withoutTiming(p);
  assert.deepEqual(Object.keys(counters), Object.keys(p.counters));
  return { ...rest, range: p.range, snapshot: withoutTiming(p.snapshot) };
}

describe('the Windows backend in node.exe under Wine', { skip, timeout: 300000 }, () => {
  let ns;
  let wine;
  let node;
  let addon;
  let faultAddon;
  let expected;
  let linux;
  let answers;

  /** Runs node.exe with `calls`; returns a Map of answers by id. */
  function probe(calls, file = addon) {
    const out = wine.probe(node, file, calls);
    assert.equal(out.platform, 'win32');
    assert.equal(out.backend, 'win32');
    return new Map(out.calls.map((call) => [call.id, call]));
  }

  function value(map, id) {
    const answer = map.get(id);
    assert.ok(answer, `no answer for ${id}`);
    assert.equal(answer.error, undefined, `${id}: ${JSON.stringify(answer.error)}`);
    return answer.value;
  }

  before(async () => {
    [addon, faultAddon] = await Promise.all([
      buildWindows({ out: path.join(cache, 'tcpstate.node'), ifStale: true, extra: { flags: ['-Werror'] } }),
      buildWindows({
        out: path.join(cache, 'tcpstate-faults.node'),
        ifStale: true,
        extra: {
          sources: ['test/win/fake_iphlpapi.cc'],
          defines: ['GetExtendedTcpTable=TcpstateFakeGetExtendedTcpTable'],
          flags: ['-Werror'],
        },
      }),
    ]);
    node = nodeExe();
    ns = await Namespace.create();
    wine = new WinePrefix(ns);
    wine.create();
    // The first node.exe of a prefix starts Wine's services: done now, before any TIME_WAIT
    // socket exists, so that none expires (60 s on Linux) before the read.
    probe([]);
    // Client ports inside Windows' default dynamic range, so that pressure() counts them.
    await ns.send('writeFile', { path: '/proc/sys/net/ipv4/ip_local_port_range', data: '50000 50999\n' });
    expected = await buildKnownTable(ns);
    // Linux's view of the same table, then Windows' view, well within TIME_WAIT's 60 s.
    linux = { rows: await ns.value('sockets'), pressure: await ns.value('pressure', { top: 100 }) };
    answers = probe([
      { id: 'snapshot', fn: 'snapshot' },
      { id: 'snapshotAsync', fn: 'snapshotAsync' },
      { id: 'sockets', fn: 'sockets' },
      { id: 'socketsAsync', fn: 'socketsAsync' },
      { id: 'rawPids', fn: 'rawPids' },
      { id: 'pressure', fn: 'pressure', options: { top: 100 } },
      { id: 'pressureAsync', fn: 'pressureAsync', options: { top: 100 } },
      { id: 'range', fn: 'ephemeralRange' },
      ...FILTERS.flatMap(([options], i) => [
        { id: `sockets ${i}`, fn: 'sockets', options },
        { id: `socketsAsync ${i}`, fn: 'socketsAsync', options },
        { id: `snapshot ${i}`, fn: 'snapshot', options },
        { id: `snapshotAsync ${i}`, fn: 'snapshotAsync', options },
      ]),
      { id: 'procfs', fn: 'snapshot', options: { source: 'procfs' } },
      { id: 'netns', fn: 'sockets', options: { netns: '/proc/1/ns/net' } },
      { id: 'netnsRange', fn: 'ephemeralRange', options: { netns: '/proc/1/ns/net' } },
      { id: 'badOption', fn: 'snapshot', options: { states: ['NOPE'] } },
      // Long after WMI has answered (with nothing, under Wine).
      { wait: 3000 },
      { id: 'rangeLater', fn: 'ephemeralRange' },
    ]);
  });

  after(async () => {
    if (wine) wine.destroy();
    if (ns) await ns.destroy();
  });

  it('loads as the win32 backend and reads GetExtendedTcpTable', () => {
    const snapshot = value(answers, 'snapshot');
    assert.equal(snapshot.platform, 'win32');
    assert.equal(snapshot.source, 'GetExtendedTcpTable');
    assert.equal(snapshot.netnsInode, 0);
    assert.equal(snapshot.consistent, true);
    assert.ok(snapshot.durationMs >= 0 && Math.abs(snapshot.timestamp - Date.now()) < 120000);
  });

  it('counts every state exactly, per family, with the shared state names', () => {
    const snapshot = value(answers, 'snapshot');
    for (const family of ['ipv4', 'ipv6']) {
      for (const [state, count] of Object.entries(snapshot[family].states)) {
        assert.equal(count, EXPECTED[family][state] || 0, `${family} ${state}`);
      }
    }
    assert.equal(snapshot.total, 26);
    assert.deepEqual(withoutTiming(value(answers, 'snapshotAsync')), withoutTiming(snapshot));
  });

  it('returns the namespace\'s sockets, 4-tuple for 4-tuple, as Linux sees them', () => {
    const rows = value(answers, 'sockets');
    assert.deepEqual(keys(rows), keys(expected));
    assert.deepEqual(keys(rows), keys(linux.rows));
    assert.deepEqual(keys(value(answers, 'socketsAsync')), keys(rows));
    const mapped = rows.filter((r) => r.localAddress === '::ffff:127.0.0.1');
    assert.equal(mapped.length, 2);
    assert.ok(mapped.every((r) => r.family === 'ipv6' && r.localPort === 7001));
  });

  it('gives null for what Windows does not report, and for the PID 0 Wine reports', () => {
    const rows = value(answers, 'sockets');
    for (const row of rows) {
      const where = JSON.stringify(row);
      for (const field of ['timerMs', 'uid', 'inode', 'recvQueue', 'sendQueue', 'pid']) {
        assert.equal(row[field], null, `${field}: ${where}`);
      }
      assert.equal(row.netnsInode, 0, where);
    }
    const pids = value(answers, 'rawPids');
    assert.equal(pids.length, 26);
    assert.ok(pids.every((pid) => pid === 0), `Wine reports PID 0 for every row: ${pids}`);
  });

  FILTERS.forEach(([options, count], i) => {
    it(`filters ${JSON.stringify(options)} in C++: ${count} sockets`, () => {
      const rows = value(answers, `sockets ${i}`);
      assert.equal(rows.length, count);
      assert.deepEqual(keys(rows), keys(expected.filter((row) => matches(row, options))));
      assert.deepEqual(keys(value(answers, `socketsAsync ${i}`)), keys(rows));
      const snapshot = value(answers, `snapshot ${i}`);
      assert.equal(snapshot.total, count);
      assert.deepEqual(withoutTiming(value(answers, `snapshotAsync ${i}`)), withoutTiming(snapshot));
    });
  });

  it('pressure(): the same per-destination aggregation as Linux, no close rate', () => {
    const p = value(answers, 'pressure');
    assert.deepEqual(pressureWithoutTiming(value(answers, 'pressureAsync')), pressureWithoutTiming(p));
    assert.equal(p.source, 'GetExtendedTcpTable');
    const counts = ({ timeWait, clientSideTimeWait, serverSideTimeWait, otherTimeWait, destinationCount }) =>
      ({ timeWait, clientSideTimeWait, serverSideTimeWait, otherTimeWait, destinationCount });
    assert.deepEqual(counts(p), counts(linux.pressure));
    assert.deepEqual(counts(p), EXPECTED.pressure);
    const shape = ({ family, localAddress, remoteAddress, remotePort, portsInUse, timeWait, established, other }) =>
      ({ family, localAddress, remoteAddress, remotePort, portsInUse, timeWait, established, other });
    assert.deepEqual(p.destinations.map(shape), linux.pressure.destinations.map(shape));
    assert.deepEqual(p.destinations.slice(0, 3).map(shape), EXPECTED.destinations);
    assert.equal(p.closeRate, null);
    for (const d of p.destinations) {
      assert.equal(d.closeRate, null);
      assert.equal(d.secondsToExhaustion, null);
      assert.equal(d.utilization, d.portsInUse / 16384);
    }
    assert.deepEqual(p.warnings, []);
  });

  it('ephemeralRange(): the default dynamic range, 120 s of TIME_WAIT, each with its source', () => {
    for (const id of ['range', 'rangeLater']) {
      const range = value(answers, id);
      assert.deepEqual(
        { low: range.low, high: range.high, size: range.size, reserved: range.reserved, available: range.available },
        { low: 49152, high: 65535, size: 16384, reserved: 0, available: 16384 },
      );
      assert.equal(range.timeWaitSeconds, 120);
      assert.equal(range.maxConnectRate, 16384 / 120);
      const s = range.settings;
      assert.deepEqual(s.dynamicPortStart, { value: 49152, source: 'default', name: 'ROOT\\StandardCimv2:MSFT_NetTCPSetting.DynamicPortRangeStartPort' });
      assert.deepEqual(s.dynamicPortCount, { value: 16384, source: 'default', name: 'ROOT\\StandardCimv2:MSFT_NetTCPSetting.DynamicPortRangeNumberOfPorts' });
      assert.deepEqual(s.maxUserPort, { value: null, source: 'default', name: `${PARAMETERS}\\MaxUserPort` });
      assert.deepEqual(s.tcpTimedWaitDelay, { value: null, source: 'default', name: `${PARAMETERS}\\TcpTimedWaitDelay` });
      assert.equal(s.timeWaitSeconds.value, 120);
      assert.equal(s.timeWaitSeconds.source, 'default');
      assert.match(s.timeWaitSeconds.note, /120 s .* 240 s/);
      assert.equal(s.ipLocalPortRange, undefined);
    }
    assert.deepEqual(value(answers, 'pressure').range, value(answers, 'range'));
  });

  it('refuses Linux-only options with TcpStateError, and bad options like everywhere', () => {
    for (const id of ['procfs', 'netns', 'netnsRange']) {
      const { error } = answers.get(id);
      assert.equal(error?.name, 'TcpStateError', id);
      assert.equal(error.code, 'TCPSTATE_UNSUPPORTED_PLATFORM', id);
    }
    assert.equal(answers.get('badOption').error.code, 'ERR_INVALID_ARG_VALUE');
  });

  it('reads the registry values, and reports those it cannot trust', () => {
    // One node.exe per registry state; `reg` changes the prefix's registry in between.
    for (const step of registryCalls()) {
      for (const args of step.reg) wine.reg(args);
      const map = probe([{ id: 'range', fn: 'ephemeralRange' }, { id: 'pressure', fn: 'pressure' }]);
      const range = value(map, 'range');
      step.check(range, value(map, 'pressure'));
    }
  });

  it('turns every GetExtendedTcpTable failure into a TcpStateError, after bounded retries; counts unknown states', () => {
    const steps = faultCalls();
    const map = probe(steps.flatMap((step) => step.calls), faultAddon);
    for (const step of steps) step.check(map);
  });
});
