'use strict';
// Exact counts and rows: a network namespace of our own holds only the sockets built here.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { Namespace, rootSkipReason } = require('./helpers/netns');
const { checkRow, checkSnapshot, matches, keys } = require('./helpers/rows');
const { buildKnownTable } = require('./helpers/known-table');

const skip = rootSkipReason() ?? false;

// The scenario, in known numbers:
//   L4  listener 127.0.0.1:4001        L6 listener [::1]:6001      LD dual-stack listener [::]:7001
//   E4  3 pairs 127.0.0.1 -> 4001      E6 2 pairs ::1 -> 6001      EM 2 IPv4 clients -> 7001 (IPv4-mapped server ends)
//   TW4 5 client-closed 127.0.0.1 -> 4001                          TW6 4 client-closed ::1 -> 6001
const EXPECTED = {
  ipv4: { LISTEN: 1, ESTABLISHED: 3 * 2 + 2, TIME_WAIT: 5 },
  ipv6: { LISTEN: 2, ESTABLISHED: 2 * 2 + 2, TIME_WAIT: 4 },
};

// Filters and how many of the 26 sockets each must return (checked against the model too).
const FILTERS = [
  [{}, 26],
  [{ states: ['TIME_WAIT'] }, 9],
  [{ family: 'ipv4' }, 14],
  [{ family: 'ipv6' }, 12],
  [{ family: 'all' }, 26],
  [{ localPort: 4001 }, 4],
  [{ remotePort: 4001 }, 8],
  [{ remotePort: [4001, 6001] }, 14],
  [{ localPort: [0, 65535] }, 26],
  [{ localAddress: '::1' }, 9],
  [{ remoteAddress: '127.0.0.1' }, 15],
  [{ localAddress: '127.0.0.0/8' }, 16],
  [{ localAddress: '127.1.2.3/8' }, 16],
  [{ localAddress: '::ffff:127.0.0.1' }, 16],
  [{ localAddress: '::/0' }, 12],
  [{ remoteAddress: '10.0.0.0/8' }, 0],
  [{ family: 'ipv4', localAddress: '::1' }, 0],
  [{ states: ['TIME_WAIT'], remotePort: 6001, family: 'ipv6' }, 4],
  [{ states: ['LISTEN', 'ESTABLISHED'], localPort: [7001, 7001] }, 3],
  [{ states: ['ESTABLISHED'], remoteAddress: '::ffff:127.0.0.0/104', localPort: 7001 }, 2],
  [{ states: ['DELETE_TCB'] }, 0],
  [{ states: ['CLOSE', 'SYN_SENT', 'CLOSING'] }, 0],
];

const SS_STATES = {
  ESTAB: 'ESTABLISHED', 'SYN-SENT': 'SYN_SENT', 'SYN-RECV': 'SYN_RECV', 'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2', 'TIME-WAIT': 'TIME_WAIT', UNCONN: 'CLOSE', 'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK', LISTEN: 'LISTEN', CLOSING: 'CLOSING',
};

function withoutTiming(snapshot) {
  const { timestamp, durationMs, ...rest } = snapshot;
  assert.ok(timestamp > 0 && durationMs >= 0);
  return rest;
}

function withoutTimers(rows) {
  return rows.map(({ timerMs, ...rest }) => rest);
}

describe('a namespace with known sockets', { skip }, () => {
  let ns;
  let expected;

  before(async () => {
    ns = await Namespace.create();
    expected = await buildKnownTable(ns);
  });

  after(async () => {
    if (ns) await ns.destroy();
  });

  it('counts every state exactly, per family', async () => {
    const snapshot = await ns.value('snapshot');
    checkSnapshot(snapshot);
    assert.equal(snapshot.source, 'netlink');
    for (const family of ['ipv4', 'ipv6']) {
      for (const [state, count] of Object.entries(snapshot[family].states)) {
        assert.equal(count, EXPECTED[family][state] || 0, `${family} ${state}`);
      }
    }
    assert.equal(snapshot.total, 26);
    assert.equal(snapshot.states.TIME_WAIT, 9);
    assert.equal(snapshot.states.ESTABLISHED, 14);
    assert.equal(snapshot.states.LISTEN, 3);
  });

  it('returns exactly the sockets that were opened, with sound rows', async () => {
    const rows = await ns.value('sockets');
    rows.forEach(checkRow);
    assert.deepEqual(keys(rows), keys(expected));
    const mapped = rows.filter((r) => r.localAddress === '::ffff:127.0.0.1');
    assert.equal(mapped.length, 2);
    assert.ok(mapped.every((r) => r.family === 'ipv6' && r.localPort === 7001));
  });

  it('gives TIME_WAIT rows the time left on their timer', async () => {
    const rows = await ns.value('sockets', { states: ['TIME_WAIT'] });
    assert.equal(rows.length, 9);
    for (const row of rows) assert.ok(row.timerMs > 0 && row.timerMs <= 60000, JSON.stringify(row));
  });

  for (const [options, count] of FILTERS) {
    it(`filters ${JSON.stringify(options)} in the kernel: ${count} sockets`, async () => {
      const rows = await ns.value('sockets', options);
      rows.forEach(checkRow);
      assert.equal(rows.length, count);
      assert.deepEqual(keys(rows), keys(expected.filter((row) => matches(row, options))));
      const snapshot = await ns.value('snapshot', options);
      checkSnapshot(snapshot);
      assert.equal(snapshot.total, count);
    });
  }

  it('gives the same answers sync and async', async () => {
    for (const [options] of FILTERS) {
      const [sync, async] = [await ns.value('snapshot', options), await ns.value('snapshotAsync', options)];
      assert.deepEqual(withoutTiming(async), withoutTiming(sync));
      const [rows, asyncRows] = [await ns.value('sockets', options), await ns.value('socketsAsync', options)];
      assert.deepEqual(keys(asyncRows), keys(rows));
      const order = (list) => withoutTimers(list).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      assert.deepEqual(order(asyncRows), order(rows));
    }
  });

  it('agrees with ss -tan', async () => {
    const snapshot = await ns.value('snapshot');
    const text = await ns.send('ss', { args: [] });
    const fromSs = {};
    for (const line of text.trim().split('\n')) {
      const state = SS_STATES[line.split(/\s+/)[0]];
      assert.ok(state, `unknown ss state in ${line}`);
      fromSs[state] = (fromSs[state] || 0) + 1;
    }
    for (const [state, count] of Object.entries(snapshot.states)) {
      assert.equal(count, fromSs[state] || 0, state);
    }
  });

  it("agrees with /proc/net/sockstat's tw", async () => {
    const snapshot = await ns.value('snapshot');
    const sockstat = await ns.send('readFile', { path: '/proc/net/sockstat' });
    const tw = Number(/^TCP:.*\btw (\d+)/m.exec(sockstat)[1]);
    assert.equal(snapshot.states.TIME_WAIT, tw);
  });

  it('reports uid and inode for owned sockets', async () => {
    const rows = await ns.value('sockets', { states: ['ESTABLISHED', 'LISTEN'] });
    for (const row of rows) {
      assert.equal(row.uid, 0, JSON.stringify(row));
      assert.ok(row.inode > 0, JSON.stringify(row));
      assert.notEqual(row.timerMs, undefined);
    }
  });
});
