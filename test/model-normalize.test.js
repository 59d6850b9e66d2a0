'use strict';
// Normalisation of built native results: per-state counts (named and unknown raw states),
// socket rows from the column table, and native failures. No root, no traffic; the addon
// is not loaded.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { toSnapshot, toSockets, toError } = require('../dist/normalize');
const { TcpStateError } = require('../dist/errors');
const { STATES, UNKNOWN_STATE } = require('../dist/types');
const { linux } = require('../dist/platform/linux');
const { win32 } = require('../dist/platform/win32');
const { stateNames } = require('../dist/platform/table');

const FIELDS = { timer: 1, uid: 2, inode: 4, queues: 8, pid: 16 };
const ALL_FIELDS = FIELDS.timer | FIELDS.uid | FIELDS.inode | FIELDS.queues | FIELDS.pid;
const LINUX_NAMES = stateNames(linux);
const WIN_NAMES = stateNames(win32);
const NETNS = 4026531840;

/** A Uint32Array(32) with `counts[raw] = n` for each [raw, n]. */
function counts(pairs) {
  const array = new Uint32Array(32);
  for (const [raw, n] of pairs) array[raw] = n;
  return array;
}

function snapshotOf(ipv4, ipv6, over = {}) {
  return { source: 'netlink', netnsInode: NETNS, consistent: true, timestamp: 1795318557956, durationMs: 2.5, ipv4, ipv6, ...over };
}

/** Every state at 0 except the ones given. */
function states(nonZero = {}) {
  const out = {};
  for (const name of STATES) out[name] = nonZero[name] ?? 0;
  return out;
}

const sum = (s) => Object.values(s).reduce((a, b) => a + b, 0);

describe('toSnapshot', () => {
  it('gives every state key, zeros included, for an empty table', () => {
    const s = toSnapshot(snapshotOf(new Uint32Array(32), new Uint32Array(32)), LINUX_NAMES, 'netlink');
    assert.deepEqual(Object.keys(s.states), [...STATES]);
    assert.deepEqual(s.states, states());
    assert.equal(s.total, 0);
    assert.equal(s.unknown, 0);
    assert.deepEqual(s.ipv4, { total: 0, states: states(), unknown: 0 });
    assert.deepEqual(s.ipv6, { total: 0, states: states(), unknown: 0 });
  });

  it('names Linux raw states and merges IPv4 and IPv6', () => {
    const ipv4 = counts([
      [1, 4], // TCP_ESTABLISHED
      [3, 1], // TCP_SYN_RECV
      [12, 5], // TCP_NEW_SYN_RECV -> SYN_RECV
      [6, 3], // TCP_TIME_WAIT
      [7, 1], // TCP_CLOSE
      [13, 2], // TCP_BOUND_INACTIVE -> CLOSE
      [10, 2], // TCP_LISTEN
    ]);
    const ipv6 = counts([[1, 1], [10, 1], [12, 1], [8, 2]]);
    const s = toSnapshot(snapshotOf(ipv4, ipv6), LINUX_NAMES, 'netlink');
    assert.deepEqual(s.ipv4, {
      total: 18,
      states: states({ ESTABLISHED: 4, SYN_RECV: 6, TIME_WAIT: 3, CLOSE: 3, LISTEN: 2 }),
      unknown: 0,
    });
    assert.deepEqual(s.ipv6, {
      total: 5,
      states: states({ ESTABLISHED: 1, LISTEN: 1, SYN_RECV: 1, CLOSE_WAIT: 2 }),
      unknown: 0,
    });
    assert.deepEqual(s.states, states({ ESTABLISHED: 5, SYN_RECV: 7, TIME_WAIT: 3, CLOSE: 3, LISTEN: 3, CLOSE_WAIT: 2 }));
    assert.equal(s.total, 23);
    assert.equal(s.unknown, 0);
    assert.equal(sum(s.states), s.total);
  });

  it('counts Linux raw states without a name in unknown and total, never in states', () => {
    // 0 and 14..31 name nothing on Linux.
    const ipv4 = counts([[1, 2], [0, 1], [14, 7], [31, 2]]);
    const ipv6 = counts([[20, 3], [6, 1]]);
    let s;
    assert.doesNotThrow(() => { s = toSnapshot(snapshotOf(ipv4, ipv6), LINUX_NAMES, 'netlink'); });
    assert.deepEqual(s.ipv4, { total: 12, states: states({ ESTABLISHED: 2 }), unknown: 10 });
    assert.deepEqual(s.ipv6, { total: 4, states: states({ TIME_WAIT: 1 }), unknown: 3 });
    assert.equal(s.unknown, 13);
    assert.equal(s.total, 16);
    assert.deepEqual(s.states, states({ ESTABLISHED: 2, TIME_WAIT: 1 }));
    // total = sum(states) + unknown, per family and merged.
    assert.equal(sum(s.ipv4.states) + s.ipv4.unknown, s.ipv4.total);
    assert.equal(sum(s.ipv6.states) + s.ipv6.unknown, s.ipv6.total);
    assert.equal(sum(s.states) + s.unknown, s.total);
    assert.equal(Object.keys(s.states).length, STATES.length);
  });

  it('names Windows raw states, 13 and 0 unknown', () => {
    const ipv4 = counts([
      [5, 3], // MIB_TCP_STATE_ESTAB
      [11, 1], // MIB_TCP_STATE_TIME_WAIT
      [12, 2], // MIB_TCP_STATE_DELETE_TCB
      [1, 1], // MIB_TCP_STATE_CLOSED -> CLOSE
      [2, 4], // MIB_TCP_STATE_LISTEN
      [13, 4], // no name
      [0, 1], // no name
    ]);
    const ipv6 = counts([[2, 1], [4, 2]]); // LISTEN, SYN_RCVD
    const s = toSnapshot(snapshotOf(ipv4, ipv6, { source: null, netnsInode: 0 }), WIN_NAMES, 'GetExtendedTcpTable');
    assert.deepEqual(s.ipv4, {
      total: 16,
      states: states({ ESTABLISHED: 3, TIME_WAIT: 1, DELETE_TCB: 2, CLOSE: 1, LISTEN: 4 }),
      unknown: 5,
    });
    assert.deepEqual(s.ipv6, { total: 3, states: states({ LISTEN: 1, SYN_RECV: 2 }), unknown: 0 });
    assert.deepEqual(s.states, states({ ESTABLISHED: 3, TIME_WAIT: 1, DELETE_TCB: 2, CLOSE: 1, LISTEN: 5, SYN_RECV: 2 }));
    assert.equal(s.total, 19);
    assert.equal(s.unknown, 5);
    assert.equal(s.source, 'GetExtendedTcpTable');
    assert.equal(s.netnsInode, 0);
  });

  it('reads Windows DELETE_TCB (12) as a name, where Linux 12 is SYN_RECV', () => {
    const raw = counts([[12, 9]]);
    assert.equal(toSnapshot(snapshotOf(raw, new Uint32Array(32)), WIN_NAMES, 'x').states.DELETE_TCB, 9);
    const l = toSnapshot(snapshotOf(raw, new Uint32Array(32)), LINUX_NAMES, 'x');
    assert.equal(l.states.SYN_RECV, 9);
    assert.equal(l.states.DELETE_TCB, 0);
  });

  it('carries the read info and the given source', () => {
    const s = toSnapshot(
      snapshotOf(counts([[1, 1]]), new Uint32Array(32), {
        source: 'procfs', netnsInode: 4026532222, consistent: false, timestamp: 42, durationMs: 0.25,
      }),
      LINUX_NAMES,
      'procfs',
    );
    assert.equal(s.platform, process.platform);
    assert.equal(s.source, 'procfs');
    assert.equal(s.netnsInode, 4026532222);
    assert.equal(s.consistent, false);
    assert.equal(s.timestamp, 42);
    assert.equal(s.durationMs, 0.25);
    assert.equal(s.total, 1);
  });

  it('counts large counts exactly', () => {
    const s = toSnapshot(snapshotOf(counts([[1, 0xffffffff]]), counts([[1, 0xffffffff]])), LINUX_NAMES, 'x');
    assert.equal(s.states.ESTABLISHED, 2 * 0xffffffff);
    assert.equal(s.total, 2 * 0xffffffff);
  });
});

/** A NativeSocketTable from row objects; addresses are collected into the index table. */
function tableOf(rows, fields, over = {}) {
  const n = rows.length;
  const addresses = [];
  const index = (a) => {
    let i = addresses.indexOf(a);
    if (i < 0) i = addresses.push(a) - 1;
    return i;
  };
  const table = {
    source: 'netlink',
    netnsInode: NETNS,
    consistent: true,
    timestamp: 1,
    durationMs: 1,
    count: n,
    fields,
    family: new Uint8Array(n),
    state: new Uint8Array(n),
    timer: new Uint8Array(n),
    localPort: new Uint16Array(n),
    remotePort: new Uint16Array(n),
    timerMs: new Uint32Array(n),
    uid: new Uint32Array(n),
    inode: new Uint32Array(n),
    recvQueue: new Uint32Array(n),
    sendQueue: new Uint32Array(n),
    pid: new Uint32Array(n),
    localAddress: new Uint32Array(n),
    remoteAddress: new Uint32Array(n),
    addresses,
    ...over,
  };
  rows.forEach((r, i) => {
    table.family[i] = r.family ?? 4;
    table.state[i] = r.state;
    table.timer[i] = r.timer ?? 0;
    table.localPort[i] = r.localPort ?? 0;
    table.remotePort[i] = r.remotePort ?? 0;
    table.timerMs[i] = r.timerMs ?? 0;
    table.uid[i] = r.uid ?? 0;
    table.inode[i] = r.inode ?? 0;
    table.recvQueue[i] = r.recvQueue ?? 0;
    table.sendQueue[i] = r.sendQueue ?? 0;
    table.pid[i] = r.pid ?? 0;
    table.localAddress[i] = index(r.localAddress ?? '0.0.0.0');
    table.remoteAddress[i] = index(r.remoteAddress ?? '0.0.0.0');
  });
  return table;
}

describe('toSockets: Linux', () => {
  const LINUX_FIELDS = FIELDS.timer | FIELDS.uid | FIELDS.inode | FIELDS.queues; // no pid
  const rows = [
    { family: 4, state: 1, timer: 2, timerMs: 7200000, uid: 1000, inode: 12345, recvQueue: 10, sendQueue: 20,
      localAddress: '10.0.0.1', localPort: 50000, remoteAddress: '10.0.0.2', remotePort: 3306, pid: 77 },
    { family: 6, state: 6, timer: 3, timerMs: 59000, uid: 0, inode: 0,
      localAddress: '::ffff:127.0.0.1', localPort: 40001, remoteAddress: '::ffff:127.0.0.1', remotePort: 8080 },
    { family: 4, state: 10, timer: 0, timerMs: 777, uid: 0, inode: 999, recvQueue: 0, sendQueue: 128,
      localAddress: '0.0.0.0', localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0 },
    { family: 4, state: 14, timer: 1, timerMs: 200, uid: 33, inode: 0,
      localAddress: '10.0.0.1', localPort: 50001, remoteAddress: '10.0.0.2', remotePort: 3306 },
    { family: 6, state: 12, timer: 1, timerMs: 1000, uid: 0, inode: 0,
      localAddress: '::1', localPort: 443, remoteAddress: '::1', remotePort: 40002 },
    { family: 4, state: 13, uid: 1000, inode: 555, localAddress: '0.0.0.0', localPort: 9000 },
  ];
  const sockets = toSockets(tableOf(rows, LINUX_FIELDS), linux, LINUX_NAMES, FIELDS);

  it('gives one row per socket with the 4-tuple from the address table', () => {
    assert.equal(sockets.length, rows.length);
    assert.deepEqual(sockets[0], {
      family: 'ipv4',
      state: 'ESTABLISHED',
      localAddress: '10.0.0.1',
      localPort: 50000,
      remoteAddress: '10.0.0.2',
      remotePort: 3306,
      timerMs: 7200000,
      uid: 1000,
      inode: 12345,
      recvQueue: 10,
      sendQueue: 20,
      pid: null,
      netnsInode: NETNS,
    });
    assert.equal(sockets[1].family, 'ipv6');
    assert.equal(sockets[1].localAddress, '::ffff:127.0.0.1');
    assert.equal(sockets[1].remotePort, 8080);
    assert.equal(sockets[3].remoteAddress, '10.0.0.2');
  });

  it('names states, SYN_RECV for NEW_SYN_RECV, CLOSE for BOUND_INACTIVE, UNKNOWN for a raw state without a name', () => {
    assert.deepEqual(sockets.map((s) => s.state), ['ESTABLISHED', 'TIME_WAIT', 'LISTEN', UNKNOWN_STATE, 'SYN_RECV', 'CLOSE']);
    assert.equal(UNKNOWN_STATE, 'UNKNOWN');
  });

  it('gives timerMs only when a timer is pending', () => {
    assert.equal(sockets[1].timerMs, 59000);
    assert.equal(sockets[2].timerMs, null); // timer kind 0, whatever timerMs holds
    assert.equal(sockets[5].timerMs, null);
  });

  it('gives no owner where the kernel keeps none (uid 0 and inode 0)', () => {
    assert.equal(sockets[1].uid, null);
    assert.equal(sockets[1].inode, null);
    assert.equal(sockets[4].uid, null);
    assert.equal(sockets[4].inode, null);
  });

  it('keeps root as uid 0 when the socket has an inode', () => {
    assert.equal(sockets[2].uid, 0);
    assert.equal(sockets[2].inode, 999);
    assert.equal(sockets[2].sendQueue, 128);
    assert.equal(sockets[2].recvQueue, 0);
  });

  it('gives a uid with inode null for an owned socket not attached to a file', () => {
    assert.equal(sockets[3].uid, 33);
    assert.equal(sockets[3].inode, null);
  });

  it('gives pid null when the backend does not fill it, and carries netnsInode', () => {
    for (const s of sockets) {
      assert.equal(s.pid, null);
      assert.equal(s.netnsInode, NETNS);
    }
  });
});

describe('toSockets: fields the backend does not fill', () => {
  const row = { family: 4, state: 1, timer: 1, timerMs: 300, uid: 1000, inode: 42, recvQueue: 5, sendQueue: 6, pid: 99,
    localAddress: '10.0.0.1', localPort: 1, remoteAddress: '10.0.0.2', remotePort: 2 };

  it('are null with no field bit set', () => {
    const [s] = toSockets(tableOf([row], 0), linux, LINUX_NAMES, FIELDS);
    assert.deepEqual(
      [s.timerMs, s.uid, s.inode, s.recvQueue, s.sendQueue, s.pid],
      [null, null, null, null, null, null],
    );
    assert.equal(s.state, 'ESTABLISHED');
    assert.equal(s.localPort, 1);
  });

  it('follow each bit on its own', () => {
    const pick = (fields) => {
      const [s] = toSockets(tableOf([row], fields), linux, LINUX_NAMES, FIELDS);
      return [s.timerMs, s.uid, s.inode, s.recvQueue, s.sendQueue, s.pid];
    };
    assert.deepEqual(pick(FIELDS.timer), [300, null, null, null, null, null]);
    assert.deepEqual(pick(FIELDS.uid), [null, 1000, null, null, null, null]);
    assert.deepEqual(pick(FIELDS.inode), [null, null, 42, null, null, null]);
    assert.deepEqual(pick(FIELDS.queues), [null, null, null, 5, 6, null]);
    assert.deepEqual(pick(FIELDS.pid), [null, null, null, null, null, 99]);
    assert.deepEqual(pick(ALL_FIELDS), [300, 1000, 42, 5, 6, 99]);
  });

  it('read the bits from the constants given, not fixed numbers', () => {
    const shifted = { timer: 32, uid: 64, inode: 128, queues: 256, pid: 512 };
    const [s] = toSockets(tableOf([row], 32 | 256), linux, LINUX_NAMES, shifted);
    assert.deepEqual([s.timerMs, s.uid, s.inode, s.recvQueue, s.sendQueue, s.pid], [300, null, null, 5, 6, null]);
  });

  it('gives an empty array for an empty table', () => {
    assert.deepEqual(toSockets(tableOf([], ALL_FIELDS), linux, LINUX_NAMES, FIELDS), []);
  });
});

describe('toSockets: Windows', () => {
  const WIN_FIELDS = FIELDS.pid;
  const rows = [
    { family: 4, state: 5, pid: 4242, uid: 1000, inode: 7, localAddress: '192.168.1.5', localPort: 50000, remoteAddress: '192.168.1.9', remotePort: 443 },
    { family: 4, state: 11, pid: 0, localAddress: '192.168.1.5', localPort: 50001, remoteAddress: '192.168.1.9', remotePort: 443 },
    { family: 6, state: 12, pid: 4, localAddress: '::', localPort: 135, remoteAddress: '::', remotePort: 0 },
    { family: 4, state: 13, pid: 1 },
    { family: 4, state: 0, pid: 0 },
  ];

  it('maps PID 0 to null and keeps other PIDs', () => {
    const sockets = toSockets(tableOf(rows, WIN_FIELDS, { source: null, netnsInode: 0 }), win32, WIN_NAMES, FIELDS);
    assert.deepEqual(sockets.map((s) => s.pid), [4242, null, 4, 1, null]);
  });

  it('names Windows states, UNKNOWN for 13 and 0', () => {
    const sockets = toSockets(tableOf(rows, WIN_FIELDS), win32, WIN_NAMES, FIELDS);
    assert.deepEqual(sockets.map((s) => s.state), ['ESTABLISHED', 'TIME_WAIT', 'DELETE_TCB', UNKNOWN_STATE, UNKNOWN_STATE]);
  });

  it('gives no uid or inode even with their bits set (the table has none)', () => {
    const sockets = toSockets(tableOf(rows, ALL_FIELDS, { netnsInode: 0 }), win32, WIN_NAMES, FIELDS);
    assert.equal(sockets[0].uid, null);
    assert.equal(sockets[0].inode, null);
    assert.equal(sockets[0].pid, 4242);
    assert.equal(sockets[0].netnsInode, 0);
    assert.equal(sockets[2].family, 'ipv6');
    assert.equal(sockets[2].localAddress, '::');
  });

  it('gives every pid null without the pid bit', () => {
    const sockets = toSockets(tableOf(rows, 0), win32, WIN_NAMES, FIELDS);
    assert.deepEqual(sockets.map((s) => s.pid), [null, null, null, null, null]);
  });
});

describe('toError', () => {
  it('gives a TcpStateError with code, errno and syscall', () => {
    const e = toError({ code: 'TCPSTATE_PERMISSION_DENIED', errno: 1, syscall: 'setns', message: 'setns(/var/run/netns/x): Operation not permitted' });
    assert.ok(e instanceof TcpStateError);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'TcpStateError');
    assert.equal(e.message, 'setns(/var/run/netns/x): Operation not permitted');
    assert.equal(e.code, 'TCPSTATE_PERMISSION_DENIED');
    assert.equal(e.errno, 1);
    assert.equal(e.syscall, 'setns');
  });

  it('keeps syscall null and errno 0 when no system call failed', () => {
    const e = toError({ code: 'TCPSTATE_PROTOCOL_ERROR', errno: 0, syscall: null, message: 'truncated message' });
    assert.equal(e.code, 'TCPSTATE_PROTOCOL_ERROR');
    assert.equal(e.errno, 0);
    assert.equal(e.syscall, null);
    assert.equal(e.message, 'truncated message');
  });

  it('carries a Win32 error code as errno', () => {
    const e = toError({ code: 'TCPSTATE_SYSTEM_ERROR', errno: 122, syscall: 'GetExtendedTcpTable', message: 'insufficient buffer' });
    assert.equal(e.errno, 122);
    assert.equal(e.syscall, 'GetExtendedTcpTable');
  });
});
