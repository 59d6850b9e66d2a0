'use strict';
// The platform tables on their own: raw states per name (from the kernel's tcp_states.h and
// Windows' tcpmib.h), state masks, range settings from built native ranges, TIME_WAIT reuse,
// and the address helpers. No root, no traffic; the addon is not loaded.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { STATES } = require('../dist/types');
const { linux } = require('../dist/platform/linux');
const { win32 } = require('../dist/platform/win32');
const { stateMask, stateNames, MASK_STATES } = require('../dist/platform/table');
const { platformFor } = require('../dist/platform/index');
const { reusesTimeWait } = require('../dist/ports');
const { parseOptions } = require('../dist/options');
const { unmapIPv4, bracketHost, describeDestination } = require('../dist/address');

const PARAMETERS = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters';
const CIM_CLASS = 'ROOT\\StandardCimv2:MSFT_NetTCPSetting';
const ALL_BITS = 0xffffffff;

// include/net/tcp_states.h
const LINUX_RAW = {
  ESTABLISHED: [1],
  SYN_SENT: [2],
  SYN_RECV: [3, 12], // TCP_SYN_RECV, TCP_NEW_SYN_RECV
  FIN_WAIT1: [4],
  FIN_WAIT2: [5],
  TIME_WAIT: [6],
  CLOSE: [7, 13], // TCP_CLOSE, TCP_BOUND_INACTIVE
  CLOSE_WAIT: [8],
  LAST_ACK: [9],
  LISTEN: [10],
  CLOSING: [11],
  DELETE_TCB: [],
};

// MIB_TCP_STATE, tcpmib.h
const WIN_RAW = {
  CLOSE: [1],
  LISTEN: [2],
  SYN_SENT: [3],
  SYN_RECV: [4],
  ESTABLISHED: [5],
  FIN_WAIT1: [6],
  FIN_WAIT2: [7],
  CLOSE_WAIT: [8],
  CLOSING: [9],
  LAST_ACK: [10],
  TIME_WAIT: [11],
  DELETE_TCB: [12],
};

const bit = (n) => 2 ** n;

describe('raw state tables', () => {
  it('the Linux table is tcp_states.h', () => {
    assert.deepEqual({ ...linux.raw }, LINUX_RAW);
  });

  it('the Windows table is MIB_TCP_STATE', () => {
    assert.deepEqual({ ...win32.raw }, WIN_RAW);
  });

  for (const [name, platform] of [['linux', linux], ['win32', win32]]) {
    it(`${name}: every name has an entry, every raw value one name, all within the mask`, () => {
      assert.deepEqual(Object.keys(platform.raw).sort(), [...STATES].sort());
      const seen = new Map();
      for (const state of STATES) {
        assert.ok(Array.isArray(platform.raw[state]), state);
        for (const raw of platform.raw[state]) {
          assert.ok(Number.isInteger(raw) && raw >= 0 && raw < 32, `${state} ${raw}`);
          assert.equal(seen.get(raw), undefined, `raw ${raw} is both ${seen.get(raw)} and ${state}`);
          seen.set(raw, state);
        }
      }
    });
  }

  it('every name but DELETE_TCB has a raw value on Linux; all have one on Windows', () => {
    for (const state of STATES) {
      assert.equal(linux.raw[state].length > 0, state !== 'DELETE_TCB', state);
      assert.ok(win32.raw[state].length > 0, state);
    }
  });
});

describe('stateNames', () => {
  it('is 32 long on both platforms', () => {
    assert.equal(MASK_STATES, 32);
    assert.equal(stateNames(linux).length, 32);
    assert.equal(stateNames(win32).length, 32);
  });

  it('names the Linux raw values, 0 and 14..31 not', () => {
    const names = stateNames(linux);
    const expected = new Array(32).fill(undefined);
    for (const [state, raws] of Object.entries(LINUX_RAW)) for (const r of raws) expected[r] = state;
    assert.deepEqual([...names], expected);
    assert.equal(names[12], 'SYN_RECV');
    assert.equal(names[13], 'CLOSE');
    assert.equal(names[0], undefined);
    assert.equal(names[14], undefined);
  });

  it('names the Windows raw values, 0 and 13..31 not', () => {
    const names = stateNames(win32);
    assert.equal(names[12], 'DELETE_TCB');
    assert.equal(names[1], 'CLOSE');
    assert.equal(names[13], undefined);
    assert.equal(names[0], undefined);
    assert.equal(names.filter((n) => n !== undefined).length, 12);
  });
});

describe('stateMask', () => {
  it('sets the bit of each raw value of the names given', () => {
    assert.equal(stateMask(linux, ['LISTEN']), bit(10));
    assert.equal(stateMask(linux, ['LISTEN', 'TIME_WAIT']), bit(10) + bit(6));
    assert.equal(stateMask(linux, ['LISTEN', 'LISTEN']), bit(10));
    assert.equal(stateMask(linux, ['SYN_RECV']), bit(3) + bit(12));
    assert.equal(stateMask(linux, ['CLOSE']), bit(7) + bit(13));
    assert.equal(stateMask(win32, ['LISTEN']), bit(2));
    assert.equal(stateMask(win32, ['CLOSE']), bit(1));
    assert.equal(stateMask(win32, ['DELETE_TCB']), bit(12));
  });

  it('is 0 for DELETE_TCB alone on Linux', () => {
    assert.equal(stateMask(linux, ['DELETE_TCB']), 0);
    assert.equal(stateMask(linux, ['DELETE_TCB', 'ESTABLISHED']), bit(1));
  });

  it('for every name is bits 1..13 on Linux, 1..12 on Windows', () => {
    let l = 0;
    for (let n = 1; n <= 13; n++) l += bit(n);
    let w = 0;
    for (let n = 1; n <= 12; n++) w += bit(n);
    assert.equal(stateMask(linux, [...STATES]), l);
    assert.equal(stateMask(win32, [...STATES]), w);
  });

  it('for null is every bit but the exclusions: Linux leaves out 13 only', () => {
    assert.deepEqual([...linux.excludedByDefault], [13]);
    assert.deepEqual([...win32.excludedByDefault], []);
    assert.equal(stateMask(linux, null), ALL_BITS - bit(13));
    assert.equal(stateMask(win32, null), ALL_BITS);
    assert.equal(stateMask(platformFor('unsupported'), null), ALL_BITS);
    // Unsigned: bit 31 set, never a negative number.
    assert.ok(stateMask(linux, null) > 0);
  });

  it('reads BOUND_INACTIVE only when CLOSE is named in the options', () => {
    const everything = stateMask(linux, parseOptions(undefined).states);
    assert.equal(everything & bit(13), 0);
    assert.equal(everything & bit(7), bit(7));
    const close = stateMask(linux, parseOptions({ states: ['CLOSE'] }).states);
    assert.equal(close, bit(7) + bit(13));
  });
});

/** A Linux NativeEphemeralRange. */
function linuxNative(over = {}) {
  return {
    source: null, netnsInode: 4026531840, consistent: true, timestamp: 1, durationMs: 0.1,
    low: 32768, high: 60999, rangeSource: 'sysctl', reservedList: '', reservedInRange: 0,
    values: {
      tcp_tw_reuse: { value: 2, source: 'sysctl' },
      tcp_tw_reuse_delay: { value: 1000, source: 'sysctl' },
      tcp_timestamps: { value: 1, source: 'sysctl' },
      tcp_fin_timeout: { value: 60, source: 'sysctl' },
      tcp_max_tw_buckets: { value: 131072, source: 'sysctl' },
    },
    ...over,
  };
}

/** A Windows NativeEphemeralRange with these raw values. */
function winNative(values = {}, over = {}) {
  return {
    source: null, netnsInode: 0, consistent: true, timestamp: 1, durationMs: 0.1,
    low: 49152, high: 65535, rangeSource: 'default', reservedList: null, reservedInRange: 0, values, ...over,
  };
}

describe('linux.rangeSettings', () => {
  it('gives every sysctl with its source and name, and the constant TIME_WAIT length', () => {
    assert.deepEqual(linux.rangeSettings(linuxNative()), {
      ipLocalPortRange: { value: [32768, 60999], source: 'sysctl', name: 'net.ipv4.ip_local_port_range' },
      ipLocalReservedPorts: { value: '', source: 'sysctl', name: 'net.ipv4.ip_local_reserved_ports' },
      tcpTwReuse: { value: 2, source: 'sysctl', name: 'net.ipv4.tcp_tw_reuse' },
      tcpTwReuseDelay: { value: 1000, source: 'sysctl', name: 'net.ipv4.tcp_tw_reuse_delay' },
      tcpTimestamps: { value: 1, source: 'sysctl', name: 'net.ipv4.tcp_timestamps' },
      tcpFinTimeout: { value: 60, source: 'sysctl', name: 'net.ipv4.tcp_fin_timeout' },
      tcpMaxTwBuckets: { value: 131072, source: 'sysctl', name: 'net.ipv4.tcp_max_tw_buckets' },
      timeWaitSeconds: { value: 60, source: 'constant', name: 'TCP_TIMEWAIT_LEN' },
    });
  });

  it('gives { value: null, source: null } for a sysctl the kernel does not have', () => {
    const native = linuxNative();
    delete native.values.tcp_tw_reuse_delay;
    native.values.tcp_fin_timeout = { value: null, source: 'sysctl' };
    const s = linux.rangeSettings(native);
    assert.deepEqual(s.tcpTwReuseDelay, { value: null, source: null, name: 'net.ipv4.tcp_tw_reuse_delay' });
    assert.deepEqual(s.tcpFinTimeout, { value: null, source: null, name: 'net.ipv4.tcp_fin_timeout' });
    assert.equal(s.tcpTwReuse.value, 2);
  });

  it('keeps the reserved list, null when the kernel has none', () => {
    const listed = linux.rangeSettings(linuxNative({ reservedList: '40000-40099,50000' }));
    assert.deepEqual(listed.ipLocalReservedPorts, { value: '40000-40099,50000', source: 'sysctl', name: 'net.ipv4.ip_local_reserved_ports' });
    const none = linux.rangeSettings(linuxNative({ reservedList: null }));
    assert.deepEqual(none.ipLocalReservedPorts, { value: null, source: null, name: 'net.ipv4.ip_local_reserved_ports' });
  });

  it('reports a defaulted range as such', () => {
    const s = linux.rangeSettings(linuxNative({ rangeSource: 'default', low: 32768, high: 60999 }));
    assert.deepEqual(s.ipLocalPortRange, { value: [32768, 60999], source: 'default', name: 'net.ipv4.ip_local_port_range' });
  });
});

const NETSH = 'netsh int ipv4|ipv6 show excludedportrange protocol=tcp';

describe('win32.rangeSettings', () => {
  it('with nothing set: registry values null and defaulted, the Vista+ dynamic range, 240 s with a note citing the sources', () => {
    const s = win32.rangeSettings(winNative());
    assert.deepEqual(s.maxUserPort, { value: null, source: 'default', name: `${PARAMETERS}\\MaxUserPort` });
    assert.deepEqual(s.tcpTimedWaitDelay, { value: null, source: 'default', name: `${PARAMETERS}\\TcpTimedWaitDelay` });
    assert.deepEqual(s.dynamicPortStart, { value: 49152, source: 'default', name: `${CIM_CLASS}.DynamicPortRangeStartPort` });
    assert.deepEqual(s.dynamicPortCount, { value: 16384, source: 'default', name: `${CIM_CLASS}.DynamicPortRangeNumberOfPorts` });
    assert.deepEqual(s.excludedPortRanges, { value: null, source: null, name: NETSH });
    assert.deepEqual(s.autoReusePortRange, { value: null, source: null, name: `${CIM_CLASS}.AutoReusePortRange*` });
    assert.equal(s.timeWaitSeconds.value, 240);
    assert.equal(s.timeWaitSeconds.source, 'default');
    assert.equal(s.timeWaitSeconds.name, `${PARAMETERS}\\TcpTimedWaitDelay`);
    // The note names the disagreeing sources and the value assumed, and how to make it explicit.
    const note = s.timeWaitSeconds.note;
    assert.match(note, /4 minutes \(default\)/);
    assert.match(note, /Troubleshoot port exhaustion/);
    assert.match(note, /Windows 2000/);
    assert.match(note, /Windows Server 2003/);
    assert.match(note, /KB 314053/);
    assert.match(note, /120 s/);
    assert.match(note, /240 s/);
    assert.match(note, /assumes 240 s/);
    assert.match(note, /understates/);
    assert.match(note, /TcpTimedWaitDelay \(30-300\)/);
    assert.equal(Object.keys(s).sort().join(),
      'autoReusePortRange,dynamicPortCount,dynamicPortStart,excludedPortRanges,maxUserPort,tcpTimedWaitDelay,timeWaitSeconds');
  });

  it('uses the registry values and WMI range when they are given', () => {
    const s = win32.rangeSettings(winNative({
      MaxUserPort: { value: 60000, source: 'registry' },
      TcpTimedWaitDelay: { value: 30, source: 'registry' },
      DynamicPortRangeStartPort: { value: 10000, source: 'wmi' },
      DynamicPortRangeNumberOfPorts: { value: 55536, source: 'wmi' },
    }, { rangeSource: 'wmi', low: 10000, high: 65535 }));
    assert.deepEqual(s.maxUserPort, { value: 60000, source: 'registry', name: `${PARAMETERS}\\MaxUserPort` });
    assert.deepEqual(s.tcpTimedWaitDelay, { value: 30, source: 'registry', name: `${PARAMETERS}\\TcpTimedWaitDelay` });
    assert.deepEqual(s.dynamicPortStart, { value: 10000, source: 'wmi', name: `${CIM_CLASS}.DynamicPortRangeStartPort` });
    assert.deepEqual(s.dynamicPortCount, { value: 55536, source: 'wmi', name: `${CIM_CLASS}.DynamicPortRangeNumberOfPorts` });
    // TcpTimedWaitDelay sets the TIME_WAIT length, without a note.
    assert.deepEqual(s.timeWaitSeconds, { value: 30, source: 'registry', name: `${PARAMETERS}\\TcpTimedWaitDelay` });
  });

  it('reports rejected registry values and does not use them', () => {
    const s = win32.rangeSettings(winNative({
      MaxUserPort: { value: 70000, source: 'registry', rejected: 'out-of-range' },
      TcpTimedWaitDelay: { value: null, source: null, rejected: 'wrong-type' },
    }));
    assert.deepEqual(s.maxUserPort, {
      value: null, source: 'default', name: `${PARAMETERS}\\MaxUserPort`,
      rejected: { reason: 'out-of-range', value: 70000 },
    });
    assert.deepEqual(s.tcpTimedWaitDelay, {
      value: null, source: 'default', name: `${PARAMETERS}\\TcpTimedWaitDelay`,
      rejected: { reason: 'wrong-type', value: null },
    });
    // A rejected delay leaves the default TIME_WAIT length, with its note.
    assert.equal(s.timeWaitSeconds.value, 240);
    assert.equal(s.timeWaitSeconds.source, 'default');
    assert.equal(typeof s.timeWaitSeconds.note, 'string');
  });

  it('falls back to 240 s for an out-of-range or unreadable TcpTimedWaitDelay', () => {
    for (const entry of [
      { value: 5, source: 'registry', rejected: 'out-of-range' },
      { value: 301, source: 'registry', rejected: 'out-of-range' },
      { value: null, source: null, rejected: 'unreadable' },
    ]) {
      const s = win32.rangeSettings(winNative({ TcpTimedWaitDelay: entry }));
      assert.deepEqual(s.tcpTimedWaitDelay.rejected, { reason: entry.rejected, value: entry.value });
      assert.equal(s.tcpTimedWaitDelay.value, null);
      assert.equal(s.timeWaitSeconds.value, 240);
      assert.equal(s.timeWaitSeconds.source, 'default');
      assert.match(s.timeWaitSeconds.note, /assumes 240 s/);
    }
  });

  it('falls back to 49152/16384 when WMI gives nothing or a rejected value', () => {
    const s = win32.rangeSettings(winNative({
      DynamicPortRangeStartPort: { value: null, source: null },
      DynamicPortRangeNumberOfPorts: { value: 0, source: 'wmi', rejected: 'out-of-range' },
    }));
    assert.deepEqual(s.dynamicPortStart, { value: 49152, source: 'default', name: `${CIM_CLASS}.DynamicPortRangeStartPort` });
    assert.deepEqual(s.dynamicPortCount, {
      value: 16384, source: 'default', name: `${CIM_CLASS}.DynamicPortRangeNumberOfPorts`,
      rejected: { reason: 'out-of-range', value: 0 },
    });
  });

  it('a registry entry holding no value is unset', () => {
    const s = win32.rangeSettings(winNative({ MaxUserPort: { value: null, source: null } }));
    assert.deepEqual(s.maxUserPort, { value: null, source: 'default', name: `${PARAMETERS}\\MaxUserPort` });
  });

  it('excluded port ranges from netsh: the native list as [start, end] pairs, an empty list as []', () => {
    const listed = win32.rangeSettings(winNative({}, { reservedList: '5357,50000-50059,50160-50259', reservedInRange: 160 }));
    assert.deepEqual(listed.excludedPortRanges, {
      value: [[5357, 5357], [50000, 50059], [50160, 50259]], source: 'netsh', name: NETSH,
    });
    const empty = win32.rangeSettings(winNative({}, { reservedList: '' }));
    assert.deepEqual(empty.excludedPortRanges, { value: [], source: 'netsh', name: NETSH });
  });

  it('the auto-reuse range from WMI as [first, last]; rejected when WMI gave no valid range', () => {
    const set = win32.rangeSettings(winNative({
      AutoReusePortRangeStartPort: { value: 40000, source: 'wmi' },
      AutoReusePortRangeNumberOfPorts: { value: 1000, source: 'wmi' },
    }));
    assert.deepEqual(set.autoReusePortRange, { value: [40000, 40999], source: 'wmi', name: `${CIM_CLASS}.AutoReusePortRange*` });
    const bad = win32.rangeSettings(winNative({
      AutoReusePortRangeStartPort: { value: 65000, source: 'wmi', rejected: 'out-of-range' },
      AutoReusePortRangeNumberOfPorts: { value: 1000, source: 'wmi', rejected: 'out-of-range' },
    }));
    assert.deepEqual(bad.autoReusePortRange, {
      value: null, source: null, name: `${CIM_CLASS}.AutoReusePortRange*`,
      rejected: { reason: 'out-of-range', value: 65000 },
    });
    const none = win32.rangeSettings(winNative({
      AutoReusePortRangeStartPort: { value: null, source: null },
      AutoReusePortRangeNumberOfPorts: { value: null, source: null },
    }));
    assert.deepEqual(none.autoReusePortRange, { value: null, source: null, name: `${CIM_CLASS}.AutoReusePortRange*` });
  });

  it('the first read\'s note when WMI and netsh had not answered: on the defaulted range and on the unknown exclusions', () => {
    const note = 'WMI and netsh had not answered within the first read\'s wait: the default dynamic range is assumed and excluded port ranges are unknown';
    const s = win32.rangeSettings(winNative({
      DynamicPortRangeStartPort: { value: null, source: null },
      DynamicPortRangeNumberOfPorts: { value: null, source: null },
    }, { note }));
    assert.deepEqual(s.dynamicPortStart, { value: 49152, source: 'default', name: `${CIM_CLASS}.DynamicPortRangeStartPort`, note });
    assert.deepEqual(s.dynamicPortCount, { value: 16384, source: 'default', name: `${CIM_CLASS}.DynamicPortRangeNumberOfPorts`, note });
    assert.deepEqual(s.excludedPortRanges, { value: null, source: null, name: NETSH, note });
    // Answered (no note): a defaulted range carries none.
    const answered = win32.rangeSettings(winNative({}, { note: null, reservedList: '' }));
    assert.equal(answered.dynamicPortStart.note, undefined);
    assert.equal(answered.excludedPortRanges.note, undefined);
    // A range WMI gave is never noted as a default.
    const wmi = win32.rangeSettings(winNative({
      DynamicPortRangeStartPort: { value: 10000, source: 'wmi' },
      DynamicPortRangeNumberOfPorts: { value: 1000, source: 'wmi' },
    }, { note, rangeSource: 'wmi', low: 10000, high: 10999 }));
    assert.deepEqual(wmi.dynamicPortStart, { value: 10000, source: 'wmi', name: `${CIM_CLASS}.DynamicPortRangeStartPort` });
  });

  it('Windows judges one host-wide pool; Linux per destination', () => {
    assert.equal(win32.portScope, 'host');
    assert.equal(linux.portScope, 'destination');
  });
});

describe('TIME_WAIT reuse: the platform\'s mode, then reusesTimeWait() per destination', () => {
  const settings = (reuse, timestamps) => ({
    tcpTwReuse: { value: reuse, source: reuse === null ? null : 'sysctl', name: 'net.ipv4.tcp_tw_reuse' },
    tcpTimestamps: { value: timestamps, source: timestamps === null ? null : 'sysctl', name: 'net.ipv4.tcp_timestamps' },
    timeWaitSeconds: { value: 60, source: 'constant', name: 'TCP_TIMEWAIT_LEN' },
  });

  it('Linux: tcp_tw_reuse 1 with timestamps, for any destination', () => {
    assert.equal(reusesTimeWait(linux.timeWaitReuse(settings(1, 1)), '10.0.0.1', '10.0.0.2'), true);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(settings(1, 1)), 'fd00::1', 'fd00::2'), true);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(settings(1, 0)), '10.0.0.1', '10.0.0.2'), false);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(settings(1, null)), '10.0.0.1', '10.0.0.2'), false);
  });

  it('Linux: tcp_tw_reuse 2 only with a loopback end and timestamps', () => {
    const two = settings(2, 1);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(two), '127.0.0.1', '127.0.0.1'), true);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(two), '10.0.0.1', '127.0.0.53'), true);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(two), '127.255.255.254', '10.0.0.1'), true);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(two), '::1', 'fd00::2'), true);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(two), '::ffff:127.0.0.1', '::ffff:10.0.0.2'), true);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(two), '::FFFF:127.0.0.1', '::ffff:10.0.0.2'), true);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(two), '10.0.0.1', '10.0.0.2'), false);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(two), '::ffff:10.0.0.1', '::ffff:10.0.0.2'), false);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(two), 'fd00::1', 'fd00::2'), false);
    // Not loopback: 128.x, and 127.x spelled as a non-mapped IPv6 address.
    assert.equal(reusesTimeWait(linux.timeWaitReuse(two), '128.0.0.1', '10.0.0.2'), false);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(two), '::127.0.0.1', '10.0.0.2'), false);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(settings(2, 0)), '127.0.0.1', '127.0.0.1'), false);
  });

  it('Linux: off with tcp_tw_reuse 0, missing, or an unknown value', () => {
    assert.equal(reusesTimeWait(linux.timeWaitReuse(settings(0, 1)), '127.0.0.1', '127.0.0.1'), false);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(settings(null, 1)), '127.0.0.1', '127.0.0.1'), false);
    assert.equal(reusesTimeWait(linux.timeWaitReuse(settings(3, 1)), '127.0.0.1', '127.0.0.1'), false);
    assert.equal(reusesTimeWait(linux.timeWaitReuse({ timeWaitSeconds: { value: 60, source: 'constant', name: 'x' } }), '127.0.0.1', '127.0.0.1'), false);
  });

  it('Windows and the unsupported platform: never', () => {
    assert.equal(reusesTimeWait(win32.timeWaitReuse(settings(1, 1)), '127.0.0.1', '127.0.0.1'), false);
    assert.equal(reusesTimeWait(platformFor('unsupported').timeWaitReuse(settings(1, 1)), '127.0.0.1', '127.0.0.1'), false);
  });
});

describe('row rules', () => {
  it('Linux: an owner unless uid and inode are both 0', () => {
    assert.equal(linux.hasOwner(0, 0), false);
    assert.equal(linux.hasOwner(0, 5), true);
    assert.equal(linux.hasOwner(1000, 0), true);
    assert.equal(linux.hasOwner(1000, 5), true);
  });

  it('Windows: never an owner; PID 0 names none; no TIME_WAIT timers', () => {
    assert.equal(win32.hasOwner(1000, 5), false);
    assert.equal(win32.ownerPid(0), null);
    assert.equal(win32.ownerPid(4), 4);
    assert.equal(win32.ownerPid(4294967295), 4294967295);
    assert.equal(win32.timeWaitTimers, false);
    assert.equal(linux.ownerPid, undefined);
    assert.equal(linux.timeWaitTimers, undefined);
  });

  it('default range sizes: Linux 28,232, Windows 16,384', () => {
    assert.equal(linux.defaultRangeSize, 60999 - 32768 + 1);
    assert.equal(win32.defaultRangeSize, 16384);
  });
});

describe('platformFor', () => {
  it('gives the module of the backend', () => {
    assert.equal(platformFor('linux'), linux);
    assert.equal(platformFor('win32'), win32);
  });

  it('gives a platform with no states, no owner and no range for an unsupported backend', () => {
    const none = platformFor('unsupported');
    assert.notEqual(none, linux);
    assert.notEqual(none, win32);
    assert.deepEqual(Object.keys(none.raw).sort(), [...STATES].sort());
    for (const state of STATES) assert.deepEqual([...none.raw[state]], [], state);
    assert.equal(stateMask(none, [...STATES]), 0);
    assert.ok(stateNames(none).every((n) => n === undefined));
    assert.equal(none.hasOwner(1000, 5), false);
    assert.equal(none.defaultRangeSize, 0);
    assert.deepEqual(none.rangeSettings(linuxNative()), { timeWaitSeconds: { value: null, source: null, name: 'none' } });
  });
});

describe('address helpers', () => {
  it('unmapIPv4 gives the IPv4 inside an IPv4-mapped address, others as given', () => {
    assert.equal(unmapIPv4('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(unmapIPv4('::FFFF:10.1.2.3'), '10.1.2.3');
    assert.equal(unmapIPv4('::ffff:192.168.0.1'), '192.168.0.1');
    assert.equal(unmapIPv4('10.0.0.1'), '10.0.0.1');
    assert.equal(unmapIPv4('::1'), '::1');
    assert.equal(unmapIPv4('fd00::ffff:1.2.3.4'), 'fd00::ffff:1.2.3.4');
    assert.equal(unmapIPv4('::ffff:7f00:1'), '::ffff:7f00:1');
    assert.equal(unmapIPv4('::ffff:'), '::ffff:');
    assert.equal(unmapIPv4('::ffff:256.0.0.1'), '::ffff:256.0.0.1');
  });

  it('bracketHost brackets IPv6 only', () => {
    assert.equal(bracketHost('::1'), '[::1]');
    assert.equal(bracketHost('fd00::2'), '[fd00::2]');
    assert.equal(bracketHost('::ffff:10.0.0.1'), '[::ffff:10.0.0.1]');
    assert.equal(bracketHost('10.0.0.1'), '10.0.0.1');
  });

  it('describeDestination is local -> remote:port, the remote bracketed when IPv6', () => {
    assert.equal(describeDestination({ localAddress: '10.0.0.1', remoteAddress: '10.0.0.2', remotePort: 3306 }), '10.0.0.1 -> 10.0.0.2:3306');
    assert.equal(describeDestination({ localAddress: '::1', remoteAddress: '::1', remotePort: 443 }), '::1 -> [::1]:443');
    assert.equal(describeDestination({ localAddress: 'fd00::1', remoteAddress: '10.0.0.2', remotePort: 0 }), 'fd00::1 -> 10.0.0.2:0');
  });
});
