'use strict';
// The port estimators on built native objects: range arithmetic, close rates, time to
// exhaustion and every warning, on the Linux and the Windows platform rules. No root, no
// namespaces, no traffic; the addon is not loaded. Expected values are worked out here from
// the documented formulas (README: ephemeralRange(), pressure(), Close rate, Time to exhaustion).
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { toEphemeralRange, closeRate, toPressure, HIGH_UTILIZATION, RESERVED_SHARE } = require('../dist/ports');
const { linux } = require('../dist/platform/linux');
const { win32 } = require('../dist/platform/win32');
const { platformFor } = require('../dist/platform/index');

const NETNS = 4026531840;
const LINUX_DEFAULT_SIZE = 60999 - 32768 + 1; // 28232
const WINDOWS_DEFAULT_SIZE = 16384;

function readInfo(over = {}) {
  return { source: 'netlink', netnsInode: NETNS, consistent: true, timestamp: 1795318557956, durationMs: 1.5, ...over };
}

/** A Linux NativeEphemeralRange; `sysctls` replaces single values ({ value, source }). */
function linuxRange({ low = 32768, high = 60999, reservedInRange = 0, reservedList = '', sysctls = {}, ...over } = {}) {
  const values = {
    tcp_tw_reuse: { value: 0, source: 'sysctl' },
    tcp_tw_reuse_delay: { value: 1000, source: 'sysctl' },
    tcp_timestamps: { value: 1, source: 'sysctl' },
    tcp_fin_timeout: { value: 60, source: 'sysctl' },
    tcp_max_tw_buckets: { value: 131072, source: 'sysctl' },
  };
  for (const [name, entry] of Object.entries(sysctls)) {
    if (entry === undefined) delete values[name];
    else values[name] = entry;
  }
  return { ...readInfo(), low, high, rangeSource: 'sysctl', reservedList, reservedInRange, values, ...over };
}

/** A Windows NativeEphemeralRange: the default dynamic range and no registry values unless given. */
function winRange({ low = 49152, high = 65535, values = {}, ...over } = {}) {
  return {
    ...readInfo({ source: 'GetExtendedTcpTable', netnsInode: 0 }),
    low, high, rangeSource: 'wmi', reservedList: null, reservedInRange: 0, values, ...over,
  };
}

function dest(over = {}) {
  return {
    family: 4,
    localAddress: '10.0.0.1',
    remoteAddress: '10.0.0.2',
    remotePort: 3306,
    portsInUse: 0,
    timeWait: 0,
    established: 0,
    other: 0,
    timedTimeWait: 0,
    minTimerMs: 0,
    ...over,
  };
}

/** A NativePressure over `range` with these destinations and host-wide TIME_WAIT figures. */
function pressureOf(range, destinations = [], over = {}) {
  return {
    ...readInfo({ netnsInode: range.netnsInode }),
    range,
    timeWait: 0,
    clientSideTimeWait: 0,
    serverSideTimeWait: 0,
    otherTimeWait: 0,
    timedTimeWait: 0,
    minTimerMs: 0,
    destinationCount: destinations.length,
    destinations,
    ...over,
  };
}

const codes = (p) => p.warnings.map((w) => w.code);
const warningOf = (p, code) => p.warnings.filter((w) => w.code === code);

// 30000-64999: 35,000 ports, wider than both platform defaults, so no range warning interferes.
const WIDE = { low: 30000, high: 64999 };
const WIDE_SIZE = 35000;

describe('toEphemeralRange', () => {
  it('gives size, reserved, available and the connect rate of the Linux default range', () => {
    const r = toEphemeralRange(linuxRange(), linux);
    assert.equal(r.low, 32768);
    assert.equal(r.high, 60999);
    assert.equal(r.size, 28232);
    assert.equal(r.reserved, 0);
    assert.equal(r.available, 28232);
    assert.equal(r.timeWaitSeconds, 60);
    assert.equal(r.maxConnectRate, 28232 / 60);
    assert.equal(r.netnsInode, NETNS);
    assert.deepEqual(r.settings.timeWaitSeconds, { value: 60, source: 'constant', name: 'TCP_TIMEWAIT_LEN' });
  });

  it('takes the reserved ports out of available', () => {
    const r = toEphemeralRange(linuxRange({ low: 40000, high: 40999, reservedInRange: 100, reservedList: '40000-40099' }), linux);
    assert.equal(r.size, 1000);
    assert.equal(r.reserved, 100);
    assert.equal(r.available, 900);
    assert.equal(r.maxConnectRate, 15); // 900 / 60
    assert.equal(r.settings.ipLocalReservedPorts.value, '40000-40099');
  });

  it('carries the netns inode of the read', () => {
    const r = toEphemeralRange(linuxRange({ netnsInode: 4026532999 }), linux);
    assert.equal(r.netnsInode, 4026532999);
  });

  it('uses TcpTimedWaitDelay on Windows, 120 s when it is unset', () => {
    const set = toEphemeralRange(winRange({ values: { TcpTimedWaitDelay: { value: 30, source: 'registry' } } }), win32);
    assert.equal(set.size, 16384);
    assert.equal(set.available, 16384);
    assert.equal(set.timeWaitSeconds, 30);
    assert.equal(set.maxConnectRate, 16384 / 30);
    assert.equal(set.netnsInode, 0);

    const unset = toEphemeralRange(winRange(), win32);
    assert.equal(unset.timeWaitSeconds, 120);
    assert.equal(unset.maxConnectRate, 16384 / 120);
  });

  it('gives an Infinity connect rate when TIME_WAIT lasts 0 s', () => {
    // The unsupported platform knows no TIME_WAIT length: 0.
    const none = toEphemeralRange(linuxRange(), platformFor('unsupported'));
    assert.equal(none.timeWaitSeconds, 0);
    assert.equal(none.maxConnectRate, Infinity);
    assert.equal(none.available, 28232);

    const zero = {
      ...linux,
      rangeSettings: () => ({ timeWaitSeconds: { value: 0, source: 'constant', name: 'TEST' } }),
    };
    const r = toEphemeralRange(linuxRange({ low: 50000, high: 50009 }), zero);
    assert.equal(r.timeWaitSeconds, 0);
    assert.equal(r.available, 10);
    assert.equal(r.maxConnectRate, Infinity);
  });
});

describe('closeRate', () => {
  it('is 0 with no TIME_WAIT socket, whatever the timers say', () => {
    assert.equal(closeRate(0, 0, 0, 60), 0);
    assert.equal(closeRate(0, 5, 1000, 60), 0);
    assert.equal(closeRate(0, 0, 0, 0), 0);
  });

  it('is null when no TIME_WAIT socket reports a timer, or TIME_WAIT has no length', () => {
    assert.equal(closeRate(10, 0, 0, 60), null);
    assert.equal(closeRate(10, 10, 1000, 0), null);
    assert.equal(closeRate(10, 10, 1000, -1), null);
  });

  it('averages steady traffic over the whole TIME_WAIT period', () => {
    // The oldest socket has 0 ms left: it closed 60 s ago. 600 closes / 60 s.
    assert.equal(closeRate(600, 600, 0, 60), 10);
    // 500 ms left: it closed 59.5 s ago.
    assert.equal(closeRate(600, 600, 500, 60), 600 / 59.5);
  });

  it('averages a burst over its own span, not the quiet time before it', () => {
    // 100 closes, the oldest 50 s left: the burst began 10 s ago -> 10/s (not 100/60).
    assert.equal(closeRate(100, 100, 50000, 60), 10);
    // The README example: 903 TIME_WAIT, the oldest 9 s old -> ~100/s.
    assert.equal(closeRate(903, 903, 51000, 60), 903 / 9);
  });

  it('counts only the sockets that report their timer', () => {
    assert.equal(closeRate(100, 40, 30000, 60), 40 / 30);
  });

  it('clamps the window to at least 1 s', () => {
    // Oldest 0.2 s old: window 1 s.
    assert.equal(closeRate(50, 50, 59800, 60), 50);
    // A timer above the TIME_WAIT length (a negative age): still 1 s.
    assert.equal(closeRate(20, 20, 70000, 60), 20);
    // Exactly 1 s old.
    assert.equal(closeRate(30, 30, 59000, 60), 30);
  });

  it('clamps the window to at most timeWaitSeconds', () => {
    // An age past the TIME_WAIT length is cut to it: 10 / 60, not 10 / 65.
    assert.equal(closeRate(10, 10, -5000, 60), 10 / 60);
    assert.equal(closeRate(10, 10, -5000, 30), 10 / 30);
  });
});

describe('toPressure: read info and host figures', () => {
  it('carries the read, the TIME_WAIT sides and the host close rate', () => {
    const native = pressureOf(linuxRange(), [], {
      netnsInode: 4026532111,
      timestamp: 1234,
      durationMs: 7.25,
      consistent: false,
      timeWait: 300,
      clientSideTimeWait: 200,
      serverSideTimeWait: 60,
      otherTimeWait: 40,
      timedTimeWait: 300,
      minTimerMs: 30000,
      destinationCount: 17,
    });
    const p = toPressure(native, linux, 'netlink');
    assert.equal(p.platform, process.platform);
    assert.equal(p.source, 'netlink');
    assert.equal(p.netnsInode, 4026532111);
    // The range reports the namespace of the pressure read.
    assert.equal(p.range.netnsInode, 4026532111);
    assert.equal(p.timestamp, 1234);
    assert.equal(p.durationMs, 7.25);
    assert.equal(p.consistent, false);
    assert.equal(p.timeWait, 300);
    assert.equal(p.clientSideTimeWait, 200);
    assert.equal(p.serverSideTimeWait, 60);
    assert.equal(p.otherTimeWait, 40);
    assert.equal(p.destinationCount, 17);
    assert.deepEqual(p.destinations, []);
    // 300 closes, the oldest 30 s old.
    assert.equal(p.closeRate, 10);
    assert.deepEqual(p.warnings, []);
  });

  it('maps each destination, IPv6 by its family number', () => {
    const p = toPressure(pressureOf(linuxRange(), [
      dest({ family: 6, localAddress: '::1', remoteAddress: '::1', remotePort: 443, portsInUse: 7, timeWait: 3, established: 2, other: 2 }),
      dest({ portsInUse: 1, established: 1 }),
    ]), linux, 'netlink');
    assert.equal(p.destinations.length, 2);
    const [six, four] = p.destinations;
    assert.equal(six.family, 'ipv6');
    assert.equal(six.localAddress, '::1');
    assert.equal(six.remoteAddress, '::1');
    assert.equal(six.remotePort, 443);
    assert.equal(six.portsInUse, 7);
    assert.equal(six.timeWait, 3);
    assert.equal(six.established, 2);
    assert.equal(six.other, 2);
    // TIME_WAIT sockets but none timed: no rate.
    assert.equal(six.closeRate, null);
    assert.equal(four.family, 'ipv4');
    assert.equal(four.closeRate, 0);
    assert.equal(four.secondsToExhaustion, null);
  });
});

describe('toPressure: utilization', () => {
  it('is portsInUse / available', () => {
    const p = toPressure(pressureOf(linuxRange(), [dest({ portsInUse: 1000, established: 1000 })]), linux, 'netlink');
    assert.equal(p.destinations[0].utilization, 1000 / 28232);
  });

  it('counts reserved ports out of available', () => {
    const p = toPressure(pressureOf(linuxRange({ ...WIDE, reservedInRange: 10000 }), [dest({ portsInUse: 5000, established: 5000 })]), linux, 'netlink');
    assert.equal(p.destinations[0].utilization, 5000 / 25000);
  });

  it('is 1 when no port is available', () => {
    // 10 ports, all reserved.
    const p = toPressure(pressureOf(linuxRange({ low: 40000, high: 40009, reservedInRange: 10 }), [dest()]), linux, 'netlink');
    assert.equal(p.range.available, 0);
    assert.equal(p.destinations[0].utilization, 1);
    assert.equal(p.destinations[0].secondsToExhaustion, 0);
  });
});

describe('toPressure: secondsToExhaustion', () => {
  // 40000-40999: 1,000 ports, TIME_WAIT 60 s.
  const small = () => linuxRange({ low: 40000, high: 40999 });
  const one = (d, platform = linux, range = small()) => toPressure(pressureOf(range, [d]), platform, 'x').destinations[0];

  it('is 0 when the destination is full', () => {
    assert.equal(one(dest({ portsInUse: 1000, established: 1000 })).secondsToExhaustion, 0);
    assert.equal(one(dest({ portsInUse: 1001, established: 1001 })).secondsToExhaustion, 0);
  });

  it('is null when the rate settles below available', () => {
    // 120 closes over 60 s = 2/s; TIME_WAIT settles at 2 * 60 = 120, plus 30 others = 150 < 1000.
    const d = one(dest({ portsInUse: 150, timeWait: 120, established: 30, timedTimeWait: 120, minTimerMs: 0 }));
    assert.equal(d.closeRate, 2);
    assert.equal(d.secondsToExhaustion, null);
  });

  it('is (available - portsInUse) / rate when the rate fills the range', () => {
    // 900 closes in 9 s = 100/s; 100 * 60 + 2 >= 1000 -> (1000 - 902) / 100.
    const d = one(dest({ portsInUse: 902, timeWait: 900, established: 2, timedTimeWait: 900, minTimerMs: 51000 }));
    assert.equal(d.closeRate, 100);
    assert.equal(d.secondsToExhaustion, (1000 - 902) / 100);
  });

  it('counts a rate that settles exactly at available as filling it', () => {
    // 480 closes in 30 s = 16/s; 16 * 60 + 40 others = 1000, not below 1000 -> (1000 - 520) / 16 = 30.
    const d = one(dest({ portsInUse: 520, timeWait: 480, established: 40, timedTimeWait: 480, minTimerMs: 30000 }));
    assert.equal(d.closeRate, 16);
    assert.equal(d.secondsToExhaustion, 30);
  });

  it('is null without a rate (no timers) or at rate 0', () => {
    assert.equal(one(dest({ portsInUse: 990, timeWait: 990 })).secondsToExhaustion, null);
    assert.equal(one(dest({ portsInUse: 990, established: 990 })).secondsToExhaustion, null);
  });

  it('is null on Windows unless the destination is full', () => {
    const range = winRange({ low: 64536, high: 65535 }); // 1,000 ports
    const busy = one(dest({ portsInUse: 999, timeWait: 999, timedTimeWait: 999, minTimerMs: 100000 }), win32, range);
    assert.equal(busy.closeRate, null);
    assert.equal(busy.secondsToExhaustion, null);
    const full = one(dest({ portsInUse: 1000, timeWait: 1000, timedTimeWait: 1000 }), win32, range);
    assert.equal(full.closeRate, null);
    assert.equal(full.secondsToExhaustion, 0);
  });
});

describe('toPressure: Windows gives no close rate', () => {
  it('is null for the host and every destination, timers or not', () => {
    const native = pressureOf(winRange(), [
      dest({ portsInUse: 10, timeWait: 10, timedTimeWait: 10, minTimerMs: 60000 }),
      dest({ remotePort: 80 }),
    ], { timeWait: 10, timedTimeWait: 10, minTimerMs: 60000 });
    const p = toPressure(native, win32, 'GetExtendedTcpTable');
    assert.equal(p.closeRate, null);
    assert.equal(p.destinations[0].closeRate, null);
    assert.equal(p.destinations[1].closeRate, null);
    assert.equal(p.source, 'GetExtendedTcpTable');
    assert.deepEqual(p.warnings, []);
  });
});

describe('warnings: DESTINATION_PORTS_HIGH', () => {
  const wide = () => linuxRange(WIDE);
  const limit = HIGH_UTILIZATION * WIDE_SIZE; // 28,000

  it('is 0.8', () => {
    assert.equal(HIGH_UTILIZATION, 0.8);
    assert.equal(limit, 28000);
  });

  it('fires above 80 % of available', () => {
    const p = toPressure(pressureOf(wide(), [dest({ portsInUse: limit + 1, established: limit + 1 })]), linux, 'netlink');
    assert.deepEqual(codes(p), ['DESTINATION_PORTS_HIGH']);
    const [w] = p.warnings;
    assert.equal(w.destination, p.destinations[0]);
    assert.match(w.message, /^10\.0\.0\.1 -> 10\.0\.0\.2:3306 holds 80% of 35,000 ephemeral ports/);
    assert.match(w.message, /EADDRNOTAVAIL/);
  });

  it('does not fire at exactly 80 %', () => {
    const p = toPressure(pressureOf(wide(), [dest({ portsInUse: limit, established: limit })]), linux, 'netlink');
    assert.deepEqual(codes(p), []);
  });

  it('names an IPv6 destination in brackets, one warning per busy destination', () => {
    const p = toPressure(pressureOf(wide(), [
      dest({ family: 6, localAddress: 'fd00::1', remoteAddress: 'fd00::2', remotePort: 443, portsInUse: 35000, established: 35000 }),
      dest({ portsInUse: 10, established: 10 }),
      dest({ remotePort: 5432, portsInUse: 30000, established: 30000 }),
    ]), linux, 'netlink');
    const high = warningOf(p, 'DESTINATION_PORTS_HIGH');
    assert.equal(high.length, 2);
    assert.match(high[0].message, /^fd00::1 -> \[fd00::2\]:443 holds 100% of 35,000/);
    assert.equal(high[1].destination.remotePort, 5432);
  });

  it('fires on Windows too', () => {
    const p = toPressure(pressureOf(winRange(), [dest({ portsInUse: 16384, established: 16384 })]), win32, 'x');
    assert.deepEqual(codes(p), ['DESTINATION_PORTS_HIGH']);
  });
});

describe('warnings: CLOSE_RATE_ABOVE_LIMIT', () => {
  // 35,000 ports / 60 s = 583.3/s sustained per destination.
  const MAX_RATE = WIDE_SIZE / 60;
  // 6,000 closes, the oldest 10 s old: 600/s, above the limit.
  const fast = (over = {}) => dest({ portsInUse: 6000, timeWait: 6000, timedTimeWait: 6000, minTimerMs: 50000, ...over });
  // 5,800 closes in 10 s: 580/s, below it.
  const slow = (over = {}) => dest({ portsInUse: 5800, timeWait: 5800, timedTimeWait: 5800, minTimerMs: 50000, ...over });
  const run = (d, sysctls = {}) => toPressure(pressureOf(linuxRange({ ...WIDE, sysctls }), [d]), linux, 'netlink');

  it('fires when a destination closes faster than maxConnectRate without reuse', () => {
    const p = run(fast(), { tcp_tw_reuse: { value: 0, source: 'sysctl' } });
    assert.equal(p.range.maxConnectRate, MAX_RATE);
    assert.equal(p.destinations[0].closeRate, 600);
    assert.ok(600 > MAX_RATE);
    assert.deepEqual(codes(p), ['CLOSE_RATE_ABOVE_LIMIT']);
    const [w] = p.warnings;
    assert.equal(w.destination, p.destinations[0]);
    assert.equal(
      w.message,
      '10.0.0.1 -> 10.0.0.2:3306 closes 600 connections/s, above the 583.3/s its ports sustain for 60 s of TIME_WAIT: ' +
        'reuse connections (pooling, keep-alive), or allow TIME_WAIT reuse (Linux: net.ipv4.tcp_tw_reuse=1 with tcp_timestamps).',
    );
  });

  it('does not fire below maxConnectRate', () => {
    const p = run(slow());
    assert.equal(p.destinations[0].closeRate, 580);
    assert.deepEqual(codes(p), []);
  });

  it('does not fire without timers (no rate)', () => {
    assert.deepEqual(codes(run(fast({ timedTimeWait: 0 }))), []);
  });

  it('is lifted by tcp_tw_reuse 1 with timestamps', () => {
    const on = { tcp_tw_reuse: { value: 1, source: 'sysctl' }, tcp_timestamps: { value: 1, source: 'sysctl' } };
    assert.deepEqual(codes(run(fast(), on)), []);
  });

  it('is not lifted by tcp_tw_reuse 1 without timestamps', () => {
    const off = { tcp_tw_reuse: { value: 1, source: 'sysctl' }, tcp_timestamps: { value: 0, source: 'sysctl' } };
    assert.deepEqual(codes(run(fast(), off)), ['CLOSE_RATE_ABOVE_LIMIT']);
    const missing = { tcp_tw_reuse: { value: 1, source: 'sysctl' }, tcp_timestamps: undefined };
    assert.deepEqual(codes(run(fast(), missing)), ['CLOSE_RATE_ABOVE_LIMIT']);
  });

  it('is lifted by tcp_tw_reuse 2 only when an end is loopback', () => {
    const loopbackOnly = { tcp_tw_reuse: { value: 2, source: 'sysctl' }, tcp_timestamps: { value: 1, source: 'sysctl' } };
    const cases = [
      // [local, remote, warned]
      ['127.0.0.1', '127.0.0.1', false],
      ['10.0.0.1', '127.0.0.5', false],
      ['127.1.2.3', '10.0.0.2', false],
      ['::1', '::1', false],
      ['::ffff:127.0.0.1', '::ffff:127.0.0.1', false],
      ['::ffff:10.0.0.1', '::ffff:127.0.0.9', false],
      ['10.0.0.1', '10.0.0.2', true],
      ['::ffff:10.0.0.1', '::ffff:10.0.0.2', true],
      ['fd00::1', 'fd00::2', true],
      ['10.0.0.1', '128.0.0.1', true],
    ];
    for (const [localAddress, remoteAddress, warned] of cases) {
      const family = localAddress.includes(':') && !localAddress.startsWith('::ffff:') ? 6 : 4;
      const p = run(fast({ family, localAddress, remoteAddress }), loopbackOnly);
      assert.deepEqual(codes(p), warned ? ['CLOSE_RATE_ABOVE_LIMIT'] : [], `${localAddress} -> ${remoteAddress}`);
    }
  });

  it('is not lifted by tcp_tw_reuse 2 for loopback without timestamps', () => {
    const p = run(fast({ localAddress: '127.0.0.1', remoteAddress: '127.0.0.1' }), {
      tcp_tw_reuse: { value: 2, source: 'sysctl' },
      tcp_timestamps: { value: 0, source: 'sysctl' },
    });
    assert.deepEqual(codes(p), ['CLOSE_RATE_ABOVE_LIMIT']);
  });

  it('fires when the kernel has no tcp_tw_reuse', () => {
    assert.deepEqual(codes(run(fast(), { tcp_tw_reuse: undefined })), ['CLOSE_RATE_ABOVE_LIMIT']);
  });

  it('never fires on Windows', () => {
    // 1,000 ports / 120 s is 8.3/s; the timers would give 600/s if Windows had them.
    const p = toPressure(pressureOf(winRange({ low: 64536, high: 65535, values: {
      TcpTimedWaitDelay: { value: 120, source: 'registry' },
    } }), [fast({ portsInUse: 900, timeWait: 900 })]), win32, 'x');
    assert.equal(p.destinations[0].closeRate, null);
    assert.equal(warningOf(p, 'CLOSE_RATE_ABOVE_LIMIT').length, 0);
    // The narrow range is reported, nothing about the rate.
    assert.deepEqual(codes(p), ['DESTINATION_PORTS_HIGH', 'RANGE_NARROWER_THAN_DEFAULT']);
  });
});

describe('warnings: TIME_WAIT_BUCKETS_FULL', () => {
  const run = (timeWait, buckets) => toPressure(
    pressureOf(linuxRange({ sysctls: { tcp_max_tw_buckets: buckets } }), [], { timeWait }),
    linux,
    'netlink',
  );

  it('fires when TIME_WAIT reaches tcp_max_tw_buckets', () => {
    const at = run(1000, { value: 1000, source: 'sysctl' });
    assert.deepEqual(codes(at), ['TIME_WAIT_BUCKETS_FULL']);
    assert.equal(at.warnings[0].destination, undefined);
    assert.match(at.warnings[0].message, /^1,000 TIME_WAIT sockets reach net\.ipv4\.tcp_max_tw_buckets \(1,000\)/);
    assert.deepEqual(codes(run(1500, { value: 1000, source: 'sysctl' })), ['TIME_WAIT_BUCKETS_FULL']);
  });

  it('does not fire below it, or when the sysctl is missing', () => {
    assert.deepEqual(codes(run(999, { value: 1000, source: 'sysctl' })), []);
    assert.deepEqual(codes(run(1000000, undefined)), []);
    assert.deepEqual(codes(run(1000000, { value: null, source: 'sysctl' })), []);
  });

  it('does not fire on Windows (no such setting)', () => {
    const p = toPressure(pressureOf(winRange(), [], { timeWait: 1000000 }), win32, 'x');
    assert.deepEqual(codes(p), []);
  });
});

describe('warnings: RANGE_NARROWER_THAN_DEFAULT', () => {
  it('fires on Linux below 28,232 ports', () => {
    const p = toPressure(pressureOf(linuxRange({ low: 32768, high: 60998 })), linux, 'netlink');
    assert.equal(p.range.size, LINUX_DEFAULT_SIZE - 1);
    assert.deepEqual(codes(p), ['RANGE_NARROWER_THAN_DEFAULT']);
    assert.equal(
      p.warnings[0].message,
      'The ephemeral range 32768-60998 holds 28,231 ports, fewer than the platform default 28,232: ' +
        'widen it (Linux: net.ipv4.ip_local_port_range).',
    );
  });

  it('does not fire on Linux at the default size', () => {
    assert.deepEqual(codes(toPressure(pressureOf(linuxRange({ low: 40000, high: 40000 + LINUX_DEFAULT_SIZE - 1 })), linux, 'x')), []);
  });

  it('fires on Windows below 16,384 ports, with the netsh advice', () => {
    const p = toPressure(pressureOf(winRange({ low: 50000, high: 65535 })), win32, 'x');
    assert.equal(p.range.size, 15536);
    assert.deepEqual(codes(p), ['RANGE_NARROWER_THAN_DEFAULT']);
    assert.match(p.warnings[0].message, /holds 15,536 ports, fewer than the platform default 16,384/);
    assert.match(p.warnings[0].message, /netsh int ipv4 set dynamicport tcp start=49152 num=16384/);
    assert.deepEqual(codes(toPressure(pressureOf(winRange({ low: 49152, high: 49152 + WINDOWS_DEFAULT_SIZE - 1 })), win32, 'x')), []);
  });

  it('does not fire on the unsupported platform (no default)', () => {
    assert.deepEqual(codes(toPressure(pressureOf(linuxRange({ low: 40000, high: 40009 })), platformFor('unsupported'), 'none')), []);
  });
});

describe('warnings: RESERVED_PORTS_IN_RANGE', () => {
  // 5 % of 35,000 is 1,750.
  const run = (reservedInRange) => toPressure(pressureOf(linuxRange({ ...WIDE, reservedInRange })), linux, 'netlink');

  it('is 5 %', () => {
    assert.equal(RESERVED_SHARE, 0.05);
  });

  it('fires at 5 % of the range or more', () => {
    const p = run(1750);
    assert.deepEqual(codes(p), ['RESERVED_PORTS_IN_RANGE']);
    assert.match(p.warnings[0].message, /^1,750 ports \(5%\) of the ephemeral range are reserved/);
    assert.deepEqual(codes(run(3500)), ['RESERVED_PORTS_IN_RANGE']);
  });

  it('does not fire below 5 %', () => {
    assert.deepEqual(codes(run(1749)), []);
    assert.deepEqual(codes(run(0)), []);
  });
});

describe('warnings: MAX_USER_PORT_LIMITS_RANGE', () => {
  const run = (MaxUserPort, range = {}) => toPressure(
    pressureOf(winRange({ ...range, values: MaxUserPort === undefined ? {} : { MaxUserPort } })),
    win32,
    'GetExtendedTcpTable',
  );

  it('fires when a registry MaxUserPort cuts the top of the range', () => {
    const p = run({ value: 60000, source: 'registry' });
    assert.deepEqual(codes(p), ['MAX_USER_PORT_LIMITS_RANGE']);
    // 49152..60000 is 10,849 ports, fewer than 16,384.
    assert.match(p.warnings[0].message, /^MaxUserPort 60000 .* cuts the ephemeral range 49152-65535 to 10,849 usable ports, fewer than the platform default 16,384: delete MaxUserPort/);
    // low/high stay the dynamic range.
    assert.equal(p.range.low, 49152);
    assert.equal(p.range.high, 65535);
  });

  it('leaves out the comparison when the ports left are not fewer than the default', () => {
    const p = run({ value: 60000, source: 'registry' }, { low: 10000, high: 65535 });
    assert.deepEqual(codes(p), ['MAX_USER_PORT_LIMITS_RANGE']);
    // 10000..60000 is 50,001 ports.
    assert.match(p.warnings[0].message, /to 50,001 usable ports: delete/);
  });

  it('says 0 ports when MaxUserPort is below the range', () => {
    const p = run({ value: 5000, source: 'registry' });
    assert.match(p.warnings[0].message, / to 0 usable ports, fewer than/);
  });

  it('does not fire at 65534 (no limit), above the range, unset or rejected', () => {
    assert.deepEqual(codes(run({ value: 65534, source: 'registry' })), []);
    // Range 49152-55000 is narrower than the default, but MaxUserPort 60000 cuts nothing.
    assert.deepEqual(codes(run({ value: 60000, source: 'registry' }, { low: 49152, high: 55000 })), ['RANGE_NARROWER_THAN_DEFAULT']);
    assert.deepEqual(codes(run({ value: 55000, source: 'registry' }, { low: 49152, high: 55000 })), ['RANGE_NARROWER_THAN_DEFAULT']);
    assert.deepEqual(codes(run(undefined)), []);
    assert.deepEqual(codes(run({ value: null, source: null })), []);
    assert.deepEqual(codes(run({ value: 4000, source: 'registry', rejected: 'out-of-range' })), []);
    assert.deepEqual(codes(run({ value: null, source: null, rejected: 'wrong-type' })), []);
  });

  it('never fires on Linux, whatever the values hold', () => {
    const native = linuxRange();
    native.values.MaxUserPort = { value: 5000, source: 'registry' };
    assert.deepEqual(codes(toPressure(pressureOf(native), linux, 'netlink')), []);
  });
});

describe('warnings together', () => {
  it('reports them in their documented order, destinations first', () => {
    // The README example: range 40000-40999, tcp_tw_reuse 0, one client closing ~100/s to :3306.
    const native = pressureOf(
      linuxRange({ low: 40000, high: 40999, sysctls: { tcp_max_tw_buckets: { value: 900, source: 'sysctl' } } }),
      [dest({ localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', portsInUse: 902, timeWait: 900, established: 2, timedTimeWait: 900, minTimerMs: 51000 })],
      { timeWait: 900, timedTimeWait: 900, minTimerMs: 51000 },
    );
    const p = toPressure(native, linux, 'netlink');
    assert.deepEqual(codes(p), [
      'DESTINATION_PORTS_HIGH',
      'CLOSE_RATE_ABOVE_LIMIT',
      'TIME_WAIT_BUCKETS_FULL',
      'RANGE_NARROWER_THAN_DEFAULT',
    ]);
    const d = p.destinations[0];
    assert.equal(d.utilization, 902 / 1000);
    assert.equal(d.closeRate, 100);
    assert.equal(d.secondsToExhaustion, 0.98);
    assert.equal(p.closeRate, 100);
  });
});
