'use strict';
// What test/windows.test.js builds and expects: the socket table (the same as
// test/netns.test.js), the registry states it walks through, and the faults it injects.
const assert = require('node:assert/strict');

const PARAMETERS = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters';

// Listeners 127.0.0.1:4001, [::1]:6001, dual-stack [::]:7001; 3 pairs to 4001, 2 to 6001,
// 2 IPv4 clients to 7001 (IPv4-mapped server ends); 5 client-closed to 4001, 4 to 6001.
const EXPECTED = {
  ipv4: { LISTEN: 1, ESTABLISHED: 3 * 2 + 2, TIME_WAIT: 5 },
  ipv6: { LISTEN: 2, ESTABLISHED: 2 * 2 + 2, TIME_WAIT: 4 },
  // Client ports are in 50000-50999, inside Windows' default range; server ends are
  // destinations too (of no ephemeral port): 3 + 2 + 2 of them.
  // The three client destinations below: the server side of each connection (local port a
  // listening port) is no destination.
  pressure: { timeWait: 9, clientSideTimeWait: 9, serverSideTimeWait: 0, otherTimeWait: 0, destinationCount: 3 },
  destinations: [
    { family: 'ipv4', localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: 4001, portsInUse: 8, timeWait: 5, established: 3, other: 0 },
    { family: 'ipv6', localAddress: '::1', remoteAddress: '::1', remotePort: 6001, portsInUse: 6, timeWait: 4, established: 2, other: 0 },
    { family: 'ipv4', localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: 7001, portsInUse: 2, timeWait: 0, established: 2, other: 0 },
  ],
};

// Filters and how many of the 26 sockets each must return (checked against the model too).
const FILTERS = [
  [{ states: ['TIME_WAIT'] }, 9],
  [{ states: ['LISTEN', 'ESTABLISHED'] }, 17],
  [{ family: 'ipv4' }, 14],
  [{ family: 'ipv6' }, 12],
  [{ localPort: 4001 }, 4],
  [{ remotePort: [4001, 6001] }, 14],
  [{ localAddress: '::1' }, 9],
  [{ remoteAddress: '127.0.0.1' }, 15],
  [{ localAddress: '127.0.0.0/8' }, 16],
  [{ localAddress: '::ffff:127.0.0.1' }, 16],
  [{ localAddress: '::/0' }, 12],
  [{ remoteAddress: '10.0.0.0/8' }, 0],
  [{ family: 'ipv4', localAddress: '::1' }, 0],
  [{ states: ['TIME_WAIT'], remotePort: 6001, family: 'ipv6' }, 4],
  [{ states: ['ESTABLISHED'], remoteAddress: '::ffff:127.0.0.0/104', localPort: 7001 }, 2],
  [{ states: ['DELETE_TCB', 'CLOSE', 'SYN_SENT', 'CLOSING'] }, 0],
];

function regAdd(name, type, data) {
  return ['add', PARAMETERS, '/v', name, '/t', type, '/d', data, '/f'];
}

function regDelete(name) {
  return ['delete', PARAMETERS, '/v', name, '/f'];
}

function setting(name, value, source, rejected) {
  const out = { value, source, name: `${PARAMETERS}\\${name}` };
  if (rejected) out.rejected = rejected;
  return out;
}

/** TcpTimedWaitDelay when it is unset or not trusted: 240 s, the longest of Microsoft's documented defaults. */
const DEFAULT_TIME_WAIT = 240;

function timeWait(range, seconds, source) {
  assert.equal(range.timeWaitSeconds, seconds);
  assert.equal(range.maxConnectRate, 16384 / seconds);
  assert.equal(range.settings.timeWaitSeconds.value, seconds);
  assert.equal(range.settings.timeWaitSeconds.source, source);
  assert.equal(range.settings.timeWaitSeconds.note === undefined, source === 'registry');
  if (source === 'default') timeWaitNote(range.settings.timeWaitSeconds.note);
  assert.equal(range.low, 49152);
  assert.equal(range.high, 65535);
}

/** The note of an assumed TIME_WAIT length: it cites the disagreeing sources and says which is assumed, and why. */
function timeWaitNote(note) {
  assert.equal(typeof note, 'string');
  for (const source of [/4 minutes \(default\)/, /Troubleshoot port exhaustion/, /Windows 2000 reference \(240 s\)/,
    /120 s in the Windows Server 2003 reference/, /KB 314053/, /assumes 240 s/, /never understates/, /TcpTimedWaitDelay \(30-300\)/]) {
    assert.match(note, source);
  }
}

/** MAX_USER_PORT_LIMITS_RANGE: informational; says what MaxUserPort did up to Server 2003 and claims no port count. */
function maxUserPortWarning(pressure, value) {
  assert.deepEqual(pressure.warnings.map((w) => w.code), ['MAX_USER_PORT_LIMITS_RANGE']);
  const { message } = pressure.warnings[0];
  assert.equal(
    message,
    `MaxUserPort is set to ${value} (${PARAMETERS}). Up to Windows Server 2003 it was the top of the ephemeral range ` +
      `(1025-${value}); Windows Vista and later document only the dynamic port range (here 49152-65535) and no effect ` +
      'of MaxUserPort, so no port count is claimed for it: delete the value, and size the range instead (Windows: ' +
      'netsh int ipv4 set dynamicport tcp start=49152 num=16384, and the same for ipv6).',
  );
  assert.doesNotMatch(message, /usable ports/);
  // Informational: the range and what it can hand out are the dynamic range's.
  assert.equal(pressure.range.available, 16384);
}

/** Registry states in order: the `reg` commands that make each, and what must follow. */
function registryCalls() {
  return [
    {
      reg: [regAdd('MaxUserPort', 'REG_DWORD', '65534'), regAdd('TcpTimedWaitDelay', 'REG_DWORD', '30')],
      check(range, pressure) {
        assert.deepEqual(range.settings.maxUserPort, setting('MaxUserPort', 65534, 'registry'));
        assert.deepEqual(range.settings.tcpTimedWaitDelay, setting('TcpTimedWaitDelay', 30, 'registry'));
        timeWait(range, 30, 'registry');
        assert.deepEqual(pressure.warnings, [], 'MaxUserPort at its maximum, 65534, limits nothing');
      },
    },
    {
      reg: [regAdd('MaxUserPort', 'REG_DWORD', '60000'), regAdd('TcpTimedWaitDelay', 'REG_DWORD', '300')],
      check(range, pressure) {
        assert.deepEqual(range.settings.maxUserPort, setting('MaxUserPort', 60000, 'registry'));
        timeWait(range, 300, 'registry');
        maxUserPortWarning(pressure, 60000);
      },
    },
    {
      reg: [regAdd('MaxUserPort', 'REG_DWORD', '5000'), regDelete('TcpTimedWaitDelay')],
      check(range, pressure) {
        assert.deepEqual(range.settings.maxUserPort, setting('MaxUserPort', 5000, 'registry'));
        assert.deepEqual(range.settings.tcpTimedWaitDelay, setting('TcpTimedWaitDelay', null, 'default'));
        timeWait(range, DEFAULT_TIME_WAIT, 'default');
        maxUserPortWarning(pressure, 5000);
      },
    },
    {
      // Just below the ceiling: still set, still reported; TcpTimedWaitDelay set to the assumed default.
      reg: [regAdd('MaxUserPort', 'REG_DWORD', '65533'), regAdd('TcpTimedWaitDelay', 'REG_DWORD', '240')],
      check(range, pressure) {
        assert.deepEqual(range.settings.maxUserPort, setting('MaxUserPort', 65533, 'registry'));
        timeWait(range, 240, 'registry');
        maxUserPortWarning(pressure, 65533);
      },
    },
    {
      reg: [regAdd('MaxUserPort', 'REG_SZ', '60000'), regAdd('TcpTimedWaitDelay', 'REG_QWORD', '30')],
      check(range, pressure) {
        const wrongType = { reason: 'wrong-type', value: null };
        assert.deepEqual(range.settings.maxUserPort, setting('MaxUserPort', null, 'default', wrongType));
        assert.deepEqual(range.settings.tcpTimedWaitDelay, setting('TcpTimedWaitDelay', null, 'default', wrongType));
        timeWait(range, DEFAULT_TIME_WAIT, 'default');
        assert.deepEqual(pressure.warnings, []);
      },
    },
    {
      reg: [regAdd('MaxUserPort', 'REG_DWORD', '4999'), regAdd('TcpTimedWaitDelay', 'REG_BINARY', '1e000000')],
      check(range, pressure) {
        assert.deepEqual(range.settings.maxUserPort,
          setting('MaxUserPort', null, 'default', { reason: 'out-of-range', value: 4999 }));
        assert.deepEqual(range.settings.tcpTimedWaitDelay,
          setting('TcpTimedWaitDelay', null, 'default', { reason: 'wrong-type', value: null }));
        timeWait(range, DEFAULT_TIME_WAIT, 'default');
        assert.deepEqual(pressure.warnings, [], 'a rejected MaxUserPort is not reported as set');
      },
    },
    {
      reg: [regAdd('MaxUserPort', 'REG_DWORD', '65535'), regAdd('TcpTimedWaitDelay', 'REG_DWORD', '29')],
      check(range) {
        assert.deepEqual(range.settings.maxUserPort,
          setting('MaxUserPort', null, 'default', { reason: 'out-of-range', value: 65535 }));
        assert.deepEqual(range.settings.tcpTimedWaitDelay,
          setting('TcpTimedWaitDelay', null, 'default', { reason: 'out-of-range', value: 29 }));
        timeWait(range, DEFAULT_TIME_WAIT, 'default');
      },
    },
    {
      reg: [regAdd('TcpTimedWaitDelay', 'REG_DWORD', '301'), regDelete('MaxUserPort')],
      check(range) {
        assert.deepEqual(range.settings.maxUserPort, setting('MaxUserPort', null, 'default'));
        assert.deepEqual(range.settings.tcpTimedWaitDelay,
          setting('TcpTimedWaitDelay', null, 'default', { reason: 'out-of-range', value: 301 }));
        timeWait(range, DEFAULT_TIME_WAIT, 'default');
      },
    },
  ];
}

function failure(map, id, { code, errno, message }) {
  const answer = map.get(id);
  assert.ok(answer?.error, `${id} must fail, got ${JSON.stringify(answer)}`);
  const { error } = answer;
  assert.equal(error.name, 'TcpStateError', id);
  assert.equal(error.code, code, id);
  assert.equal(error.errno, errno, id);
  assert.equal(error.syscall, 'GetExtendedTcpTable', id);
  if (message) assert.match(error.message, message, id);
}

function listeners(map, id) {
  const answer = map.get(id);
  assert.equal(answer?.error, undefined, `${id}: ${JSON.stringify(answer?.error)}`);
  assert.equal(answer.value.total, 3, id);
}

/** Faults made by test/win/fake_iphlpapi.cc, the calls under each, and what must follow. */
function faultCalls() {
  const LISTEN = { states: ['LISTEN'] };
  const step = (fault, calls, check) => ({
    calls: [{ env: { TCPSTATE_WIN_FAULT: fault } }, ...calls.map(([id, fn, options]) => ({ id, fn, options }))],
    check,
  });
  const READERS = ['snapshot', 'snapshotAsync', 'sockets', 'socketsAsync', 'pressure', 'pressureAsync'];
  return [
    step('a:unsuccessful:8', [['churn retried', 'snapshot', LISTEN]], (m) => listeners(m, 'churn retried')),
    step('b:unsuccessful:9', [['churn bounded', 'snapshot', LISTEN]], (m) => failure(m, 'churn bounded', {
      code: 'TCPSTATE_SYSTEM_ERROR', errno: 31, message: /AF_INET\) failed with status 0xC0000001 after 9 attempts/,
    })),
    step('c:grow:8', [['growth retried', 'snapshot', LISTEN]], (m) => listeners(m, 'growth retried')),
    step('d:grow:9', [['growth bounded', 'snapshot', LISTEN]], (m) => failure(m, 'growth bounded', {
      code: 'TCPSTATE_SYSTEM_ERROR', errno: 122, message: /ERROR_INSUFFICIENT_BUFFER/,
    })),
    step('e:status:87', READERS.map((fn) => [`87 ${fn}`, fn]), (m) => {
      for (const fn of READERS) failure(m, `87 ${fn}`, { code: 'TCPSTATE_SYSTEM_ERROR', errno: 87, message: /Win32 error 87/ });
    }),
    step('f:status:5', [['denied', 'sockets']], (m) => failure(m, 'denied', { code: 'TCPSTATE_PERMISSION_DENIED', errno: 5 })),
    step('g:count:100000', [['count', 'snapshot']], (m) => failure(m, 'count', { code: 'TCPSTATE_PROTOCOL_ERROR', errno: 0, message: /claims 100000 rows/ })),
    // A MIB_TCP_STATE newer than DELETE_TCB (the first row of each family's table) is counted as
    // unknown: the read succeeds, the row is kept, and no named state takes it.
    step('h:state:13', [['state 13 rows', 'sockets'], ['state 13 counts', 'snapshot']], (m) => {
      const rows = m.get('state 13 rows');
      const counts = m.get('state 13 counts');
      assert.equal(rows?.error, undefined, JSON.stringify(rows?.error));
      assert.equal(counts?.error, undefined, JSON.stringify(counts?.error));
      const unknown = rows.value.filter((row) => row.state === 'UNKNOWN');
      assert.deepEqual(unknown.map((row) => row.family), ['ipv4', 'ipv6'], JSON.stringify(unknown));
      const { value: snapshot } = counts;
      assert.equal(snapshot.unknown, 2);
      assert.equal(snapshot.ipv4.unknown, 1);
      assert.equal(snapshot.ipv6.unknown, 1);
      const named = Object.values(snapshot.states).reduce((a, b) => a + b, 0);
      assert.equal(snapshot.total, named + 2);
      assert.equal(snapshot.total, rows.value.length);
    }),
    step('', [['recovered', 'snapshot', LISTEN]], (m) => listeners(m, 'recovered')),
  ];
}

module.exports = { FILTERS, EXPECTED, PARAMETERS, DEFAULT_TIME_WAIT, registryCalls, faultCalls, timeWaitNote };
