'use strict';
// The exhaustion verdict on built native-shaped reads: the range and its reuse rules, the
// timer thresholds of a request, both close-rate estimators, reusable ports, utilization,
// time to exhaustion, status, host ports, counters and every warning, on the Linux and the
// Windows platform rules. No root, no namespaces, no traffic; the addon is not loaded.
// Expected values are worked out here by hand from the rules documented in lib/ports.ts and
// lib/types.ts, never taken from the code under test.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const {
  toEphemeralRange,
  timerThresholds,
  closeRate,
  toCounters,
  toPressure,
  HIGH_UTILIZATION,
  RESERVED_SHARE,
  AT_LIMIT_SHARE,
  RECENT_CLOSES,
} = require('../dist/ports');
const { linux } = require('../dist/platform/linux');
const { win32 } = require('../dist/platform/win32');
const { platformFor } = require('../dist/platform/index');

const NETNS = 4026531840;
const LINUX_DEFAULT_SIZE = 60999 - 32768 + 1; // 28232
const WINDOWS_DEFAULT_SIZE = 16384;
const TIME_WAIT_MS = 60000; // Linux TCP_TIMEWAIT_LEN

function readInfo(over = {}) {
  return { source: 'netlink', netnsInode: NETNS, consistent: true, timestamp: 1795318557956, durationMs: 1.5, ...over };
}

const sysctl = (value) => ({ value, source: 'sysctl' });

/** A Linux NativeEphemeralRange; `sysctls` replaces single values (undefined removes one). */
function linuxRange({ low = 32768, high = 60999, reservedInRange = 0, reservedList = '', sysctls = {}, ...over } = {}) {
  const values = {
    tcp_tw_reuse: sysctl(0),
    tcp_tw_reuse_delay: sysctl(1000),
    tcp_timestamps: sysctl(1),
    tcp_fin_timeout: sysctl(60),
    tcp_max_tw_buckets: sysctl(262144),
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

/** NativeTimers: nothing counted unless given. */
function timers(over = {}) {
  return { timed: 0, minTimerMs: 0, recent: 0, sinceLastRead: 0, pastReuseDelay: 0, expiringSoon: 0, youngestTimerMs: [], ...over };
}

/** The timers left on sockets that closed `ages` seconds ago (Linux, 60 s TIME_WAIT). */
const left = (...ages) => ages.map((age) => TIME_WAIT_MS - age * 1000);

/** The youngest-timer list of 16 closes, the youngest `first` s old, `step` s apart. */
function sixteen(first, step) {
  return left(...Array.from({ length: 16 }, (_, i) => first + i * step));
}

/** 16 closes 10 ms apart, the 16th youngest exactly `age` s old: traffic that stopped. */
function stoppedFor(age) {
  return [...left(...Array.from({ length: 15 }, (_, i) => age - 0.15 + i * 0.01)), TIME_WAIT_MS - age * 1000];
}

/**
 * Timers of a destination closing `rate` connections in the last second (rate >= 16): the
 * 16 youngest all younger than 1 s, `rate` of them recent. `extra` adds to the counts.
 */
function closingAt(rate, extra = {}) {
  return timers({
    timed: rate,
    minTimerMs: 59000,
    recent: rate,
    youngestTimerMs: sixteen(0.01, 0.01),
    ...extra,
  });
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
    timers: timers(),
    ...over,
  };
}

const rawCounts = () => ({ ...readInfo(), ipv4: new Uint32Array(32), ipv6: new Uint32Array(32) });

/** A NativePressure over `range` with these destinations and host-wide figures. */
function pressureOf(range, destinations = [], over = {}) {
  return {
    ...readInfo({ netnsInode: range.netnsInode }),
    range,
    snapshot: rawCounts(),
    counters: { ...readInfo({ source: 'procfs' }), values: {} },
    timeWait: 0,
    namespaceTimeWait: null,
    clientSideTimeWait: 0,
    serverSideTimeWait: 0,
    otherTimeWait: 0,
    timers: timers(),
    hostPortsInUse: 0,
    hostPortsListening: 0,
    destinationCount: destinations.length,
    destinations,
    ...over,
  };
}

/** The normalized snapshot toPressure is handed: carried as given. */
const SNAPSHOT = Object.freeze({ ...readInfo(), total: 0, states: {}, unknown: 0, ipv4: {}, ipv6: {} });

const run = (native, platform = linux, sinceSeconds = null) => toPressure(native, platform, 'netlink', SNAPSHOT, sinceSeconds);
const codes = (p) => p.warnings.map((w) => w.code);
const warningOf = (p, code) => p.warnings.filter((w) => w.code === code);
const destinationCodes = (p) => codes(p).filter((c) => c.startsWith('DESTINATION_') || c === 'CLOSE_RATE_ABOVE_LIMIT');

// 30000-64999: 35,000 ports, wider than both platform defaults, so no range warning interferes.
const WIDE = { low: 30000, high: 64999 };
const WIDE_SIZE = 35000;
const WIDE_RATE = WIDE_SIZE / 60; // 583.3/s without reuse
const REUSE_ON = { tcp_tw_reuse: sysctl(1), tcp_timestamps: sysctl(1) };
const REUSE_LOOPBACK = { tcp_tw_reuse: sysctl(2), tcp_timestamps: sysctl(1) };
const wide = (sysctls = {}) => linuxRange({ ...WIDE, sysctls });

/** Equal up to the rounding of the divisions the estimators make. */
function near(actual, expected) {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${actual} is not ${expected}`);
}

describe('constants', () => {
  it('are the documented shares and counts', () => {
    assert.equal(HIGH_UTILIZATION, 0.8);
    assert.equal(RESERVED_SHARE, 0.05);
    assert.equal(AT_LIMIT_SHARE, 0.9);
    assert.equal(RECENT_CLOSES, 16);
  });
});

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

  it('takes the reserved ports out of available, and out of both connect rates', () => {
    const r = toEphemeralRange(linuxRange({ low: 40000, high: 40999, reservedInRange: 100, reservedList: '40000-40099', sysctls: REUSE_ON }), linux);
    assert.equal(r.size, 1000);
    assert.equal(r.reserved, 100);
    assert.equal(r.available, 900);
    assert.equal(r.maxConnectRate, 15); // 900 / 60
    assert.equal(r.maxReuseConnectRate, 900); // 900 / 1 s
    assert.equal(r.settings.ipLocalReservedPorts.value, '40000-40099');
  });

  describe('timeWaitReuse from tcp_tw_reuse and tcp_timestamps', () => {
    const mode = (sysctls) => toEphemeralRange(linuxRange({ sysctls }), linux).timeWaitReuse;

    it("is 'none' for 0, 'all' for 1, 'loopback' for 2 with timestamps on", () => {
      assert.equal(mode({ tcp_tw_reuse: sysctl(0), tcp_timestamps: sysctl(1) }), 'none');
      assert.equal(mode({ tcp_tw_reuse: sysctl(1), tcp_timestamps: sysctl(1) }), 'all');
      assert.equal(mode({ tcp_tw_reuse: sysctl(2), tcp_timestamps: sysctl(1) }), 'loopback');
    });

    it("is 'none' whatever tcp_tw_reuse says when timestamps are off or unknown", () => {
      for (const reuse of [0, 1, 2]) {
        assert.equal(mode({ tcp_tw_reuse: sysctl(reuse), tcp_timestamps: sysctl(0) }), 'none', `tw_reuse ${reuse}`);
        assert.equal(mode({ tcp_tw_reuse: sysctl(reuse), tcp_timestamps: undefined }), 'none', `tw_reuse ${reuse}`);
        assert.equal(mode({ tcp_tw_reuse: sysctl(reuse), tcp_timestamps: sysctl(null) }), 'none', `tw_reuse ${reuse}`);
      }
    });

    it("is 'none' when tcp_tw_reuse is missing, unread or a value it does not define", () => {
      assert.equal(mode({ tcp_tw_reuse: undefined }), 'none');
      assert.equal(mode({ tcp_tw_reuse: sysctl(null) }), 'none');
      assert.equal(mode({ tcp_tw_reuse: sysctl(3) }), 'none');
    });

    it('timestamps 2 (on without random offsets) counts as on', () => {
      assert.equal(mode({ tcp_tw_reuse: sysctl(1), tcp_timestamps: sysctl(2) }), 'all');
    });
  });

  describe('reuseDelayMs and maxReuseConnectRate', () => {
    const range = (sysctls) => toEphemeralRange(linuxRange({ ...WIDE, sysctls }), linux);

    it('are null without reuse', () => {
      const r = range({ tcp_tw_reuse: sysctl(0), tcp_tw_reuse_delay: sysctl(250) });
      assert.equal(r.reuseDelayMs, null);
      assert.equal(r.maxReuseConnectRate, null);
      const off = range({ tcp_tw_reuse: sysctl(1), tcp_timestamps: sysctl(0) });
      assert.equal(off.reuseDelayMs, null);
      assert.equal(off.maxReuseConnectRate, null);
    });

    it('take tcp_tw_reuse_delay where the kernel has it', () => {
      const r = range({ ...REUSE_ON, tcp_tw_reuse_delay: sysctl(250) });
      assert.equal(r.reuseDelayMs, 250);
      assert.equal(r.maxReuseConnectRate, 140000); // 35,000 / 0.25 s
      assert.equal(r.settings.tcpTwReuseDelay.value, 250);
      assert.equal(r.settings.tcpTwReuseDelay.name, 'net.ipv4.tcp_tw_reuse_delay');
    });

    it('default to 1000 ms on kernels without tcp_tw_reuse_delay', () => {
      const missing = range({ ...REUSE_ON, tcp_tw_reuse_delay: undefined });
      assert.equal(missing.reuseDelayMs, 1000);
      assert.equal(missing.maxReuseConnectRate, 35000);
      assert.equal(range({ ...REUSE_ON, tcp_tw_reuse_delay: sysctl(null) }).reuseDelayMs, 1000);
    });

    it('apply to loopback mode too', () => {
      const r = range({ ...REUSE_LOOPBACK, tcp_tw_reuse_delay: sysctl(2000) });
      assert.equal(r.timeWaitReuse, 'loopback');
      assert.equal(r.reuseDelayMs, 2000);
      assert.equal(r.maxReuseConnectRate, 17500);
    });

    it('give an Infinity reuse rate for a 0 ms delay', () => {
      const r = range({ ...REUSE_ON, tcp_tw_reuse_delay: sysctl(0) });
      assert.equal(r.reuseDelayMs, 0);
      assert.equal(r.maxReuseConnectRate, Infinity);
    });
  });

  it("uses TcpTimedWaitDelay on Windows, 240 s when it is unset; no reuse there ('none', null)", () => {
    const set = toEphemeralRange(winRange({ values: { TcpTimedWaitDelay: { value: 30, source: 'registry' } } }), win32);
    assert.equal(set.size, 16384);
    assert.equal(set.available, 16384);
    assert.equal(set.timeWaitSeconds, 30);
    assert.equal(set.maxConnectRate, 16384 / 30);
    assert.equal(set.netnsInode, 0);
    assert.equal(set.timeWaitReuse, 'none');
    assert.equal(set.reuseDelayMs, null);
    assert.equal(set.maxReuseConnectRate, null);

    const unset = toEphemeralRange(winRange(), win32);
    assert.equal(unset.timeWaitSeconds, 240);
    assert.equal(unset.maxConnectRate, 16384 / 240);
    assert.equal(unset.settings.timeWaitSeconds.source, 'default');
    assert.match(unset.settings.timeWaitSeconds.note, /assumes 240 s/);
    assert.equal(unset.timeWaitReuse, 'none');
    assert.equal(unset.reuseDelayMs, null);
  });

  it("names the pool a port is taken from: 'destination' on Linux and the unsupported platform, 'host' on Windows", () => {
    assert.equal(toEphemeralRange(linuxRange(), linux).portScope, 'destination');
    assert.equal(toEphemeralRange(linuxRange(), platformFor('unsupported')).portScope, 'destination');
    assert.equal(toEphemeralRange(winRange(), win32).portScope, 'host');
  });

  it('takes the excluded port ranges netsh lists out of available on Windows', () => {
    // 50000-50099 and 50200-50299 inside 49152-65535; 5357 below it.
    const r = toEphemeralRange(winRange({ reservedList: '5357,50000-50099,50200-50299', reservedInRange: 200 }), win32);
    assert.equal(r.size, 16384);
    assert.equal(r.reserved, 200);
    assert.equal(r.available, 16184);
    assert.equal(r.maxConnectRate, 16184 / 240);
    assert.deepEqual(r.settings.excludedPortRanges.value, [[5357, 5357], [50000, 50099], [50200, 50299]]);
    assert.equal(r.settings.excludedPortRanges.source, 'netsh');
  });

  it('gives an Infinity connect rate when TIME_WAIT lasts 0 s (unsupported platform)', () => {
    const none = toEphemeralRange(linuxRange(), platformFor('unsupported'));
    assert.equal(none.timeWaitSeconds, 0);
    assert.equal(none.maxConnectRate, Infinity);
    assert.equal(none.available, 28232);
    assert.equal(none.timeWaitReuse, 'none');
    assert.equal(none.maxReuseConnectRate, null);
  });
});

describe('timerThresholds', () => {
  it('on Linux: recent is the last second of a 60 s TIME_WAIT, soon the last 10 s, the reuse delay from its sysctl', () => {
    assert.deepEqual(timerThresholds(linux, null), {
      timeWaitMs: 60000,
      recentTimerMs: 59000,
      sinceTimerMs: 0xffffffff,
      soonTimerMs: 10000,
      reuseDelaySetting: 'tcp_tw_reuse_delay',
      reuseDelayDefaultMs: 1000,
    });
  });

  it('asks for the closes since a previous read: 60000 - sinceMs', () => {
    assert.equal(timerThresholds(linux, 2500).sinceTimerMs, 57500);
    assert.equal(timerThresholds(linux, 1).sinceTimerMs, 59999);
    assert.equal(timerThresholds(linux, 59999).sinceTimerMs, 1);
    // Rounded to whole ms: 2500.4 -> 2500, 2500.6 -> 2501.
    assert.equal(timerThresholds(linux, 2500.4).sinceTimerMs, 57500);
    assert.equal(timerThresholds(linux, 2500.6).sinceTimerMs, 57499);
    // The rest is unchanged by it.
    assert.equal(timerThresholds(linux, 2500).recentTimerMs, 59000);
  });

  it('asks for none (above every timer) when the previous read is not inside one TIME_WAIT period', () => {
    for (const sinceMs of [null, 0, -5, 60000, 90000]) {
      assert.equal(timerThresholds(linux, sinceMs).sinceTimerMs, 0xffffffff, String(sinceMs));
    }
  });

  it('on Windows: no TIME_WAIT timers, no reuse delay', () => {
    const t = timerThresholds(win32, 2500);
    assert.equal(t.timeWaitMs, 0);
    assert.equal(t.recentTimerMs, 0);
    assert.equal(t.sinceTimerMs, 0xffffffff);
    assert.equal(t.soonTimerMs, 10000);
    assert.equal(t.reuseDelayDefaultMs, 0);
  });
});

describe('closeRate', () => {
  it('is 0 with no TIME_WAIT socket, whatever the timers say', () => {
    assert.equal(closeRate(0, timers(), 60, null), 0);
    assert.equal(closeRate(0, timers({ timed: 5, recent: 5, youngestTimerMs: left(0.5) }), 60, null), 0);
    assert.equal(closeRate(0, timers(), 60, 5), 0);
    assert.equal(closeRate(0, timers(), 0, null), 0);
  });

  it('is null when no TIME_WAIT socket reports a timer, or TIME_WAIT has no length', () => {
    assert.equal(closeRate(10, timers(), 60, null), null);
    assert.equal(closeRate(10, timers({ sinceLastRead: 4 }), 60, 2), null);
    const timed = timers({ timed: 10, recent: 10, youngestTimerMs: left(0.5) });
    assert.equal(closeRate(10, timed, 0, null), null);
    assert.equal(closeRate(10, timed, -1, null), null);
  });

  describe('from one read: the 16 youngest TIME_WAIT sockets', () => {
    it('16 youngest: the window is the age of the 16th youngest', () => {
      // 16 closes 0.5 s apart, the youngest 0.5 s old: the 16th is 8 s old -> 16 / 8 = 2/s.
      const t = timers({ timed: 100, minTimerMs: 1000, recent: 1, youngestTimerMs: sixteen(0.5, 0.5) });
      assert.equal(t.youngestTimerMs[15], 52000);
      assert.equal(closeRate(100, t, 60, null), 2);
      // 16th youngest 1.5 s old -> 16 / 1.5.
      const u = timers({ timed: 40, minTimerMs: 20000, recent: 10, youngestTimerMs: [...left(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.45), 58500] });
      assert.equal(closeRate(40, u, 60, null), 16 / 1.5);
    });

    it('steady traffic gives its rate, whatever the number of older sockets', () => {
      // 8 closes a second for a minute: 480 TIME_WAIT, the youngest 1/8 s apart; the 16th is 2 s old.
      const t = timers({ timed: 480, minTimerMs: 0, recent: 8, youngestTimerMs: sixteen(0.125, 0.125) });
      assert.equal(t.youngestTimerMs[15], 58000);
      assert.equal(closeRate(480, t, 60, null), 8);
    });

    it('an old TIME_WAIT does not dilute a burst', () => {
      // 40 closes in the last 5 s (8/s) and 1 from 50 s ago: 8/s, not 41 / 50 s.
      const t = timers({ timed: 41, minTimerMs: 10000, recent: 8, youngestTimerMs: sixteen(0.125, 0.125) });
      assert.equal(closeRate(41, t, 60, null), 8);
      // The same burst with 5,000 older sockets around it.
      assert.equal(closeRate(5041, { ...t, timed: 5041 }, 60, null), 8);
    });

    it('a burst of 50/s shows as 50/s within 1 s', () => {
      // Quiet, then 50 closes in the last second: the 16 youngest all younger than 1 s; 50 recent.
      // The 8th youngest is 0.16 s old, the 16th 0.32 s: 8 / 0.16 = 16 / 0.32 = 50.
      const t = timers({ timed: 50, minTimerMs: 59000, recent: 50, youngestTimerMs: sixteen(0.02, 0.02) });
      near(closeRate(50, t, 60, null), 50);
      // With 300 older sockets from before the quiet time: still 50.
      near(closeRate(350, { ...t, timed: 350, minTimerMs: 5000 }, 60, null), 50);
      // 0.34 s into a 50/s load from idle, 17 closes: 17 over the 1 s minimum, a second later 50.
      const early = timers({ timed: 17, minTimerMs: 59660, recent: 17, youngestTimerMs: sixteen(0.02, 0.02) });
      near(closeRate(17, early, 60, null), 17);
    });

    it('the window is at least 1 s: all 16 inside the last second give the recent count', () => {
      // The 16th youngest exactly 1 s old, 20 closes in the last second.
      const t = timers({ timed: 30, minTimerMs: 50000, recent: 20, youngestTimerMs: sixteen(0.0625, 0.0625) });
      assert.equal(t.youngestTimerMs[15], 59000);
      assert.equal(closeRate(30, t, 60, null), 20);
      // 16 closes within 0.2 s: 16 / 1 s, not 16 / 0.2 s (a clump is no burst).
      const u = timers({ timed: 16, minTimerMs: 59800, recent: 16, youngestTimerMs: sixteen(0.0125, 0.0125) });
      near(closeRate(16, u, 60, null), 16);
      // 5 closes 10 ms ago are 5 over the 1 s minimum.
      const v = timers({ timed: 5, minTimerMs: 59990, recent: 5, youngestTimerMs: [59990, 59990, 59990, 59990, 59990] });
      assert.equal(closeRate(5, v, 60, null), 5);
      // 8 closes a second ago and 8 more 4 s before: 8 over the 1 s of the 8 youngest, not 16 over 5 s.
      const w = timers({ timed: 16, minTimerMs: 55000, recent: 8, youngestTimerMs: [...new Array(8).fill(59000), ...new Array(8).fill(55000)] });
      near(closeRate(16, w, 60, null), 8);
    });

    it('after closes stop, the rate decays as 16 / (time since the last closes)', () => {
      // 100/s then nothing: the 16 youngest closed within 0.15 s of each other, `gap` s ago.
      const after = (gap) => timers({ timed: 1000, minTimerMs: 0, youngestTimerMs: stoppedFor(gap) });
      assert.equal(closeRate(1000, after(8), 60, null), 16 / 8);
      assert.equal(closeRate(1000, after(16), 60, null), 1);
      assert.equal(closeRate(1000, after(40), 60, null), 16 / 40);
      assert.ok(closeRate(1000, after(8), 60, null) > closeRate(1000, after(16), 60, null));
    });

    it('fewer than 16: the window is the age of the oldest', () => {
      // 5 closes, the oldest 5 s old: 1/s.
      const t = timers({ timed: 5, minTimerMs: 55000, recent: 1, youngestTimerMs: left(0.5, 1.5, 2.5, 3.5, 5) });
      assert.equal(closeRate(5, t, 60, null), 1);
      // 3 closes, the oldest 0.5 s old: 3 in the 1 s window.
      const u = timers({ timed: 3, minTimerMs: 59500, recent: 3, youngestTimerMs: left(0.1, 0.3, 0.5) });
      assert.equal(closeRate(3, u, 60, null), 3);
      // One socket with 0 ms left: 1 / 60 s.
      const v = timers({ timed: 1, minTimerMs: 0, youngestTimerMs: [0] });
      assert.equal(closeRate(1, v, 60, null), 1 / 60);
    });

    it('counts the sockets that report a timer, not every TIME_WAIT socket', () => {
      // 100 TIME_WAIT, 4 with timers, the oldest of them 8 s old: 4 / 8.
      const t = timers({ timed: 4, minTimerMs: 52000, youngestTimerMs: left(1.5, 3, 5, 8) });
      assert.equal(closeRate(100, t, 60, null), 0.5);
    });

    it('the window is at most the TIME_WAIT length', () => {
      // A timer past the 60 s length (not one the kernel gives): 3 / 60, not 3 / 65.
      const t = timers({ timed: 3, youngestTimerMs: [...left(1, 2), -5000] });
      assert.equal(closeRate(3, t, 60, null), 3 / 60);
    });
  });

  describe('exactly, since a previous read (sinceSeconds)', () => {
    it('is the closes since that read divided by its time', () => {
      const t = timers({ timed: 100, minTimerMs: 1000, recent: 3, sinceLastRead: 30, youngestTimerMs: sixteen(0.1, 0.1) });
      assert.equal(closeRate(100, t, 60, 2), 15);
      assert.equal(closeRate(100, t, 60, 0.5), 60);
    });

    it('is 0 once closes stopped, where one read would still show the decay', () => {
      const t = timers({ timed: 1000, minTimerMs: 0, sinceLastRead: 0, youngestTimerMs: stoppedFor(8) });
      assert.equal(closeRate(1000, t, 60, 3), 0);
      assert.equal(closeRate(1000, t, 60, null), 2);
    });

    it('falls back to the single read when the time given is not positive', () => {
      const t = timers({ timed: 480, minTimerMs: 0, recent: 8, sinceLastRead: 99, youngestTimerMs: sixteen(0.125, 0.125) });
      assert.equal(closeRate(480, t, 60, 0), 8);
      assert.equal(closeRate(480, t, 60, -1), 8);
    });
  });
});

describe('toCounters', () => {
  it('carries every counter by name, null for the missing ones', () => {
    assert.deepEqual(toCounters({ activeOpens: 247, passiveOpens: 88, timeWaitExpired: 0, listenDrops: null, unknownName: 5 }), {
      activeOpens: 247,
      passiveOpens: 88,
      attemptFails: null,
      estabResets: null,
      timeWaitExpired: 0,
      timeWaitRecycled: null,
      timeWaitKilled: null,
      timeWaitOverflow: null,
      listenOverflows: null,
      listenDrops: null,
    });
  });

  it('is all null for no values', () => {
    const c = toCounters({});
    assert.equal(Object.keys(c).length, 10);
    for (const [name, value] of Object.entries(c)) assert.equal(value, null, name);
  });
});

describe('toPressure: read info, host figures and counters', () => {
  it('carries the read, the TIME_WAIT sides, the snapshot given and the counters', () => {
    const native = pressureOf(linuxRange(), [], {
      netnsInode: 4026532111,
      timestamp: 1234,
      durationMs: 7.25,
      consistent: false,
      timeWait: 300,
      clientSideTimeWait: 200,
      serverSideTimeWait: 60,
      otherTimeWait: 40,
      // 16 youngest 0.5 s apart from 0.5 s: the 16th is 8 s old -> 2/s.
      timers: timers({ timed: 300, minTimerMs: 30000, recent: 1, youngestTimerMs: sixteen(0.5, 0.5) }),
      counters: { ...readInfo({ source: 'procfs' }), values: { activeOpens: 12, timeWaitRecycled: 3, attemptFails: null } },
      destinationCount: 17,
    });
    const p = toPressure(native, linux, 'netlink', SNAPSHOT);
    assert.equal(p.platform, process.platform);
    assert.equal(p.source, 'netlink');
    assert.equal(p.netnsInode, 4026532111);
    assert.equal(p.range.netnsInode, 4026532111); // the namespace of the pressure read
    assert.equal(p.timestamp, 1234);
    assert.equal(p.durationMs, 7.25);
    assert.equal(p.consistent, false);
    assert.equal(p.timeWait, 300);
    assert.equal(p.clientSideTimeWait, 200);
    assert.equal(p.serverSideTimeWait, 60);
    assert.equal(p.otherTimeWait, 40);
    assert.equal(p.destinationCount, 17);
    assert.deepEqual(p.destinations, []);
    assert.equal(p.snapshot, SNAPSHOT);
    assert.equal(p.closeRate, 2);
    assert.deepEqual(p.counters, {
      activeOpens: 12, passiveOpens: null, attemptFails: null, estabResets: null, timeWaitExpired: null,
      timeWaitRecycled: 3, timeWaitKilled: null, timeWaitOverflow: null, listenOverflows: null, listenDrops: null,
    });
    assert.deepEqual(p.warnings, []);
  });

  it('gives the host close rate since a previous read', () => {
    const native = pressureOf(linuxRange(), [], {
      timeWait: 300,
      timers: timers({ timed: 300, minTimerMs: 30000, recent: 1, sinceLastRead: 45, youngestTimerMs: sixteen(0.5, 0.5) }),
    });
    assert.equal(run(native, linux, 3).closeRate, 15);
    assert.equal(run(native, linux, null).closeRate, 2);
  });

  it('maps each destination, IPv6 by its family number', () => {
    const p = run(pressureOf(linuxRange(), [
      dest({ family: 6, localAddress: 'fd00::1', remoteAddress: 'fd00::2', remotePort: 443, portsInUse: 7, timeWait: 3, established: 2, other: 2 }),
      dest({ portsInUse: 1, established: 1 }),
    ]));
    assert.equal(p.destinations.length, 2);
    const [six, four] = p.destinations;
    assert.equal(six.family, 'ipv6');
    assert.equal(six.localAddress, 'fd00::1');
    assert.equal(six.remoteAddress, 'fd00::2');
    assert.equal(six.remotePort, 443);
    assert.equal(six.portsInUse, 7);
    assert.equal(six.timeWait, 3);
    assert.equal(six.established, 2);
    assert.equal(six.other, 2);
    assert.equal(six.reusable, 0);
    // TIME_WAIT sockets, none timed: no rate.
    assert.equal(six.closeRate, null);
    assert.equal(four.family, 'ipv4');
    assert.equal(four.closeRate, 0);
    assert.equal(four.secondsToExhaustion, null);
    assert.equal(four.status, 'fine');
  });

  describe('hostPorts', () => {
    it('gives inUse, listening, what is left of the range and its share', () => {
      const p = run(pressureOf(wide(), [], { hostPortsInUse: 7000, hostPortsListening: 25 }));
      assert.deepEqual(p.hostPorts, { inUse: 7000, listening: 25, available: 28000, utilization: 0.2 });
    });

    it('measures against the available ports, not the size', () => {
      const p = run(pressureOf(linuxRange({ ...WIDE, reservedInRange: 10000 }), [], { hostPortsInUse: 5000 }));
      assert.equal(p.hostPorts.available, 20000);
      assert.equal(p.hostPorts.utilization, 0.2);
    });

    it('floors available at 0 and caps utilization at 1', () => {
      // 10,000 reserved of 35,000; 26,000 held (reserved ports bound explicitly count too).
      const p = run(pressureOf(linuxRange({ ...WIDE, reservedInRange: 10000 }), [], { hostPortsInUse: 26000 }));
      assert.equal(p.hostPorts.available, 0);
      assert.equal(p.hostPorts.utilization, 1);
    });

    it('is at utilization 1 when no port is available', () => {
      const p = run(pressureOf(linuxRange({ low: 40000, high: 40009, reservedInRange: 10 }), []));
      assert.equal(p.hostPorts.available, 0);
      assert.equal(p.hostPorts.utilization, 1);
    });
  });
});

describe('toPressure: reusable', () => {
  const one = (d, sysctls = REUSE_ON, platform = linux) => run(pressureOf(wide(sysctls), [d]), platform).destinations[0];
  // 900 TIME_WAIT, 850 of them past the reuse delay.
  const busy = (over = {}) => dest({
    portsInUse: 1000, timeWait: 900, established: 100,
    timers: timers({ timed: 900, minTimerMs: 0, pastReuseDelay: 850, youngestTimerMs: sixteen(0.5, 0.5) }),
    ...over,
  });

  it('is the TIME_WAIT sockets past the reuse delay where tcp_tw_reuse 1 applies', () => {
    const d = one(busy());
    assert.equal(d.reusable, 850);
    assert.equal(d.utilization, (1000 - 850) / WIDE_SIZE);
  });

  it('is capped by the TIME_WAIT count', () => {
    const d = one(busy({ timeWait: 600, established: 400, timers: timers({ timed: 600, pastReuseDelay: 850, youngestTimerMs: [0] }) }));
    assert.equal(d.reusable, 600);
    assert.equal(d.utilization, (1000 - 600) / WIDE_SIZE);
  });

  it('is 0 without reuse: tcp_tw_reuse 0, or 1 without timestamps', () => {
    assert.equal(one(busy(), { tcp_tw_reuse: sysctl(0) }).reusable, 0);
    assert.equal(one(busy(), { tcp_tw_reuse: sysctl(1), tcp_timestamps: sysctl(0) }).reusable, 0);
    assert.equal(one(busy(), { tcp_tw_reuse: undefined }).reusable, 0);
    assert.equal(one(busy(), { tcp_tw_reuse: sysctl(0) }).utilization, 1000 / WIDE_SIZE);
  });

  it('with tcp_tw_reuse 2, only where an end is loopback', () => {
    const cases = [
      // [local, remote, reuses]
      ['127.0.0.1', '127.0.0.1', true],
      ['10.0.0.1', '127.0.0.5', true],
      ['127.1.2.3', '10.0.0.2', true],
      ['::1', '::1', true],
      ['::ffff:127.0.0.1', '::ffff:127.0.0.1', true],
      ['::ffff:10.0.0.1', '::ffff:127.0.0.9', true],
      ['10.0.0.1', '10.0.0.2', false],
      ['::ffff:10.0.0.1', '::ffff:10.0.0.2', false],
      ['fd00::1', 'fd00::2', false],
      ['10.0.0.1', '128.0.0.1', false],
    ];
    for (const [localAddress, remoteAddress, reuses] of cases) {
      const family = localAddress.includes(':') && !localAddress.startsWith('::ffff:') ? 6 : 4;
      const d = one(busy({ family, localAddress, remoteAddress }), REUSE_LOOPBACK);
      assert.equal(d.reusable, reuses ? 850 : 0, `${localAddress} -> ${remoteAddress}`);
      assert.equal(d.maxConnectRate, reuses ? 35000 : WIDE_RATE, `${localAddress} -> ${remoteAddress}`);
    }
  });

  it('with tcp_tw_reuse 2 and timestamps off, not even for loopback', () => {
    const d = one(busy({ localAddress: '127.0.0.1', remoteAddress: '127.0.0.1' }), { tcp_tw_reuse: sysctl(2), tcp_timestamps: sysctl(0) });
    assert.equal(d.reusable, 0);
  });

  it('is 0 on Windows', () => {
    const p = run(pressureOf(winRange(), [busy({ portsInUse: 1000 })]), win32);
    assert.equal(p.destinations[0].reusable, 0);
    assert.equal(p.destinations[0].utilization, 1000 / WINDOWS_DEFAULT_SIZE);
  });
});

describe('toPressure: utilization', () => {
  const util = (native) => run(native).destinations[0].utilization;

  it('is (portsInUse - reusable + hostPorts.listening) / available', () => {
    assert.equal(util(pressureOf(wide(), [dest({ portsInUse: 1000, established: 1000 })])), 1000 / WIDE_SIZE);
    // 500 listening ports in the range are unavailable to every destination.
    assert.equal(util(pressureOf(wide(), [dest({ portsInUse: 1000, established: 1000 })], { hostPortsListening: 500 })), 1500 / WIDE_SIZE);
    // With reuse: 300 TIME_WAIT past the delay come off.
    const reuse = pressureOf(wide(REUSE_ON), [dest({
      portsInUse: 1000, timeWait: 400, established: 600,
      timers: timers({ timed: 400, pastReuseDelay: 300, youngestTimerMs: [0] }),
    })], { hostPortsListening: 500 });
    assert.equal(util(reuse), (1000 - 300 + 500) / WIDE_SIZE);
  });

  it('counts reserved ports out of available', () => {
    assert.equal(util(pressureOf(linuxRange({ ...WIDE, reservedInRange: 10000 }), [dest({ portsInUse: 5000, established: 5000 })])), 0.2);
  });

  it('is at most 1', () => {
    const p = run(pressureOf(wide(), [dest({ portsInUse: 34800, established: 34800 })], { hostPortsListening: 500 }));
    assert.equal(p.destinations[0].utilization, 1);
    assert.equal(p.destinations[0].status, 'exhausted');
  });

  it('is 1 when no port is available', () => {
    // 10 ports, all reserved.
    const p = run(pressureOf(linuxRange({ low: 40000, high: 40009, reservedInRange: 10 }), [dest()]));
    assert.equal(p.range.available, 0);
    assert.equal(p.destinations[0].utilization, 1);
    assert.equal(p.destinations[0].secondsToExhaustion, 0);
    assert.equal(p.destinations[0].status, 'exhausted');
  });
});

describe('toPressure: maxConnectRate per destination', () => {
  it('is range.maxConnectRate without reuse, range.maxReuseConnectRate with it', () => {
    const off = run(pressureOf(wide(), [dest()])).destinations[0];
    assert.equal(off.maxConnectRate, WIDE_RATE);
    const on = run(pressureOf(wide(REUSE_ON), [dest()])).destinations[0];
    assert.equal(on.maxConnectRate, 35000); // 35,000 ports / 1 s
    const delay = run(pressureOf(wide({ ...REUSE_ON, tcp_tw_reuse_delay: sysctl(500) }), [dest()])).destinations[0];
    assert.equal(delay.maxConnectRate, 70000);
  });

  it('is the TIME_WAIT rate on Windows', () => {
    const d = run(pressureOf(winRange(), [dest()]), win32).destinations[0];
    assert.equal(d.maxConnectRate, WINDOWS_DEFAULT_SIZE / 240);
  });
});

describe('toPressure: secondsToExhaustion', () => {
  // Without reuse: a port stays blocked 60 s; 35,000 available.
  // 500/s with 20,000 TIME_WAIT and `established` others.
  const fillingAt = (rate, established, extra = {}) => dest({
    portsInUse: 20000 + established, timeWait: 20000, established,
    timers: closingAt(rate, extra),
  });
  const one = (d, sysctls = {}, over = {}) => run(pressureOf(wide(sysctls), [d], over)).destinations[0];

  it('is 0 while the destination has no port left', () => {
    assert.equal(one(dest({ portsInUse: 35000, established: 35000 })).secondsToExhaustion, 0);
    assert.equal(one(dest({ portsInUse: 35001, established: 35001 })).secondsToExhaustion, 0);
    // Listeners fill the rest.
    assert.equal(one(dest({ portsInUse: 34000, established: 34000 }), {}, { hostPortsListening: 1000 }).secondsToExhaustion, 0);
  });

  it('is null when rate * TIME_WAIT + the other ports stays below available', () => {
    // 500 * 60 + 4,999 = 34,999 < 35,000.
    const d = one(fillingAt(500, 4999, { expiringSoon: 1000 }));
    assert.equal(d.closeRate, 500);
    assert.equal(d.secondsToExhaustion, null);
    assert.equal(d.status, 'fine'); // 500 < 525 and 24,999 / 35,000 < 0.8
  });

  it('is (available - blocked) / (rate - expiringSoon / 10) once it fills the range', () => {
    // 500 * 60 + 5,000 = 35,000, not below: 1,000 expire in the next 10 s (100/s back),
    // so the 10,000 free ports fill at 400/s -> 25 s.
    const d = one(fillingAt(500, 5000, { expiringSoon: 1000 }));
    assert.equal(d.closeRate, 500);
    assert.equal(d.utilization, 25000 / WIDE_SIZE);
    assert.equal(d.secondsToExhaustion, 25);
    assert.equal(d.status, 'at-limit');
  });

  it('counts the listening ports among the other ports and the blocked ones', () => {
    // 500 * 60 + 4,000 others + 1,000 listening = 35,000; blocked 24,000 + 1,000.
    const d = one(fillingAt(500, 4000, { expiringSoon: 1000 }), {}, { hostPortsListening: 1000 });
    assert.equal(d.secondsToExhaustion, 25);
    const none = one(fillingAt(500, 4000, { expiringSoon: 1000 }), {}, { hostPortsListening: 999 });
    assert.equal(none.secondsToExhaustion, null);
  });

  it('divides by the rate alone when the expiries outrun it now', () => {
    // 600/s come back against 500/s closing: 10,000 / 500.
    assert.equal(one(fillingAt(500, 5000, { expiringSoon: 6000 })).secondsToExhaustion, 20);
    // Exactly as fast (500/s back): the difference is 0, also the rate alone.
    assert.equal(one(fillingAt(500, 5000, { expiringSoon: 5000 })).secondsToExhaustion, 20);
    // Nothing expiring: 10,000 / 500.
    assert.equal(one(fillingAt(500, 5000)).secondsToExhaustion, 20);
  });

  it('holds a port only for the reuse delay where reuse applies', () => {
    // The same 500/s with tcp_tw_reuse 1 (1 s): 500 * 1 + 5,000 < 35,000 -> null.
    const d = one(fillingAt(500, 5000, { expiringSoon: 1000 }), REUSE_ON);
    assert.equal(d.secondsToExhaustion, null);
    assert.equal(d.status, 'fine');
    // tcp_tw_reuse 2 for a non-loopback destination: the 60 s TIME_WAIT, 25 s as without reuse.
    assert.equal(one(fillingAt(500, 5000, { expiringSoon: 1000 }), REUSE_LOOPBACK).secondsToExhaustion, 25);
  });

  it('with reuse, runs out when rate * delay + the other ports reach available', () => {
    // tcp_tw_reuse_delay 2 s; a burst of 500/s began 1 s ago: 700 TIME_WAIT, 500 of them
    // recent, 200 older ones past the delay (50 of those expiring soon). 33,500 established
    // and 500 listening: 500 * 2 + 34,000 = 35,000, not below. Blocked: 34,200 - 200 + 500 =
    // 34,500. The expiring ports are already reusable (counted off as `reusable`), so the
    // free ones fill at the close rate: 500 / 500 = 1 s.
    const d = one(dest({
      portsInUse: 34200, timeWait: 700, established: 33500,
      timers: closingAt(500, { timed: 700, pastReuseDelay: 200, expiringSoon: 50 }),
    }), { ...REUSE_ON, tcp_tw_reuse_delay: sysctl(2000) }, { hostPortsListening: 500 });
    assert.equal(d.closeRate, 500);
    assert.equal(d.reusable, 200);
    assert.equal(d.maxConnectRate, 17500);
    assert.equal(d.utilization, 34500 / WIDE_SIZE);
    assert.equal(d.secondsToExhaustion, 1);
    assert.equal(d.status, 'at-limit');
  });

  it('is null without a rate (no timers) or at rate 0', () => {
    assert.equal(one(dest({ portsInUse: 34990, timeWait: 34990 })).secondsToExhaustion, null);
    assert.equal(one(dest({ portsInUse: 34990, established: 34990 })).secondsToExhaustion, null);
  });

  it('uses the exact rate since a previous read', () => {
    // 1,500 closes in the last 3 s: 500/s -> as above, 25 s.
    const d = dest({ portsInUse: 25000, timeWait: 20000, established: 5000, timers: closingAt(16, { sinceLastRead: 1500, expiringSoon: 1000 }) });
    const p = run(pressureOf(wide(), [d]), linux, 3);
    assert.equal(p.destinations[0].closeRate, 500);
    assert.equal(p.destinations[0].secondsToExhaustion, 25);
  });

  it("is null on Windows unless the host's pool is full, then 0 for every destination", () => {
    const range = winRange({ low: 64536, high: 65535 }); // 1,000 ports
    const busy = run(pressureOf(range, [dest({ portsInUse: 999, timeWait: 999, timers: closingAt(999) })], { hostPortsInUse: 999 }), win32).destinations[0];
    assert.equal(busy.closeRate, null);
    assert.equal(busy.secondsToExhaustion, null);
    const full = run(pressureOf(range, [dest({ portsInUse: 1000, timeWait: 1000, timers: closingAt(1000) })], { hostPortsInUse: 1000 }), win32).destinations[0];
    assert.equal(full.closeRate, null);
    assert.equal(full.secondsToExhaustion, 0);
    // A destination of 10 ports runs out with the host: the other 990 are some other destination's.
    const small = run(pressureOf(range, [
      dest({ portsInUse: 10, timeWait: 10 }),
      dest({ remotePort: 80, portsInUse: 990, established: 990 }),
    ], { hostPortsInUse: 1000 }), win32).destinations;
    assert.deepEqual(small.map((d) => d.secondsToExhaustion), [0, 0]);
  });
});

describe('toPressure: status', () => {
  const one = (d, sysctls = {}, over = {}) => run(pressureOf(wide(sysctls), [d], over)).destinations[0];
  // A rate with few other ports: rate * 60 + 100 stays below 35,000 for rates up to 581/s.
  // At least `rate` TIME_WAIT sockets, as closing that fast leaves.
  const closing = (rate, sysctls = {}) => {
    const timeWait = Math.max(2000, rate);
    return one(dest({ portsInUse: timeWait + 100, timeWait, established: 100, timers: closingAt(rate) }), sysctls);
  };

  it("is 'exhausted' with no port left", () => {
    assert.equal(one(dest({ portsInUse: 35000, established: 35000 })).status, 'exhausted');
  });

  it("is 'at-limit' closing above maxConnectRate, or at 90 % of it or more when saturated", () => {
    assert.equal(AT_LIMIT_SHARE * WIDE_RATE, 525);
    // Above the 583.3/s limit, with few ports taken yet.
    assert.equal(closing(590).status, 'at-limit');
    // At 90 % of it with 6 % of the ports taken: a rate well inside the range, no saturation.
    const touching = closing(525);
    assert.equal(touching.secondsToExhaustion, null); // 525 * 60 + 100 < 35,000
    assert.equal(touching.status, 'fine');
    // At 90 % of it with 29,000 of 35,000 ports taken (83 %): it runs at its limit.
    const saturated = one(dest({ portsInUse: 29000, timeWait: 28900, established: 100, timers: closingAt(525) }));
    assert.equal(saturated.status, 'at-limit');
    const below = one(dest({ portsInUse: 29000, timeWait: 28900, established: 100, timers: closingAt(524) }));
    assert.equal(below.status, 'high');
  });

  it("is 'at-limit' when it runs out at the current rates, below 90 % of the limit", () => {
    // 500/s (< 525/s) with 5,000 others: runs out.
    const d = one(dest({ portsInUse: 25000, timeWait: 20000, established: 5000, timers: closingAt(500) }));
    assert.equal(d.closeRate, 500);
    assert.notEqual(d.secondsToExhaustion, null);
    assert.equal(d.status, 'at-limit');
  });

  it("with reuse, measures the rate against maxReuseConnectRate", () => {
    // 600/s is above the 583.3/s of TIME_WAIT, far below the 35,000/s of reuse.
    assert.equal(closing(600).status, 'at-limit');
    assert.equal(closing(600, REUSE_ON).status, 'fine');
    // 31,500 = 90 % of 35,000 (its 31,600 ports in use are above 80 % too: 'high' below it).
    assert.equal(closing(31500, REUSE_ON).status, 'at-limit');
    assert.equal(closing(31500, REUSE_ON).secondsToExhaustion, null); // 31,500 * 1 + 100 < 35,000
    assert.equal(closing(31499, REUSE_ON).status, 'high');
  });

  it("is 'high' above 80 % utilization, 'fine' at 80 % or below", () => {
    assert.equal(one(dest({ portsInUse: 28001, established: 28001 })).status, 'high');
    assert.equal(one(dest({ portsInUse: 28000, established: 28000 })).status, 'fine');
    assert.equal(one(dest({ portsInUse: 27501, established: 27501 }), {}, { hostPortsListening: 500 }).status, 'high');
    assert.equal(one(dest()).status, 'fine');
  });

  it("on Windows comes from the host's pool only: every destination shares one range", () => {
    const range = winRange({ low: 64536, high: 65535 }); // 1,000 ports
    // One destination holding all the host's ports.
    const alone = (portsInUse) => run(pressureOf(range, [dest({ portsInUse, timeWait: portsInUse, timers: closingAt(5000) })],
      { hostPortsInUse: portsInUse }), win32).destinations[0].status;
    assert.equal(alone(1000), 'exhausted');
    assert.equal(alone(801), 'high');
    assert.equal(alone(800), 'fine'); // timers that would give 5,000/s do not count
    assert.equal(alone(10), 'fine');
    // A destination of 10 ports on a host whose other sockets hold the rest.
    const small = (hostPortsInUse) => run(pressureOf(range, [dest({ portsInUse: 10, timeWait: 10 })], { hostPortsInUse }), win32).destinations[0];
    assert.equal(small(1000).status, 'exhausted');
    assert.equal(small(801).status, 'high');
    assert.equal(small(800).status, 'fine');
    // Its utilization stays its own share of the pool.
    assert.equal(small(1000).utilization, 10 / 1000);
    assert.equal(small(801).utilization, 10 / 1000);
  });

  it('on Linux a destination far from its own limit stays fine whatever the host holds', () => {
    // The same 10 ports with 34,000 of 35,000 held host-wide (by other destinations): Linux
    // hands out a port per destination, so this one is fine (HOST_PORTS_HIGH tells the rest).
    const p = run(pressureOf(wide(), [dest({ portsInUse: 10, timeWait: 10 })], { hostPortsInUse: 34000 }));
    assert.equal(p.destinations[0].status, 'fine');
    assert.equal(p.destinations[0].utilization, 10 / WIDE_SIZE);
    assert.deepEqual(codes(p), ['HOST_PORTS_HIGH']);
  });
});

describe('toPressure: Windows gives no close rate', () => {
  it('is null for the host and every destination, timers or not', () => {
    const native = pressureOf(winRange(), [
      dest({ portsInUse: 16, timeWait: 16, timers: closingAt(16) }),
      dest({ remotePort: 80 }),
    ], { timeWait: 16, timers: closingAt(16) });
    const p = toPressure(native, win32, 'GetExtendedTcpTable', SNAPSHOT, 2);
    assert.equal(p.closeRate, null);
    assert.equal(p.destinations[0].closeRate, null);
    assert.equal(p.destinations[1].closeRate, null);
    assert.equal(p.source, 'GetExtendedTcpTable');
    assert.deepEqual(p.warnings, []);
  });
});

describe('warnings: DESTINATION_PORTS_EXHAUSTED', () => {
  it('fires with no port left, together with DESTINATION_PORTS_HIGH', () => {
    const p = run(pressureOf(wide(), [dest({ portsInUse: 35000, established: 35000 })]));
    assert.deepEqual(codes(p), ['DESTINATION_PORTS_EXHAUSTED', 'DESTINATION_PORTS_HIGH']);
    const [w] = p.warnings;
    assert.equal(w.destination, p.destinations[0]);
    assert.equal(
      w.message,
      '10.0.0.1 -> 10.0.0.2:3306 has no ephemeral port left (35,000 in use, 0 reusable, of 35,000): connect() to it ' +
        'fails with EADDRNOTAVAIL now; pool or keep connections alive, widen the port range, or add local or remote addresses.',
    );
  });

  it('counts listeners and leaves out reusable ports', () => {
    // 34,500 in use + 500 listening.
    const listeners = run(pressureOf(wide(), [dest({ portsInUse: 34500, established: 34500 })], { hostPortsListening: 500 }));
    assert.ok(codes(listeners).includes('DESTINATION_PORTS_EXHAUSTED'));
    // 35,000 in use, 1 of them reusable: not exhausted.
    const reusable = run(pressureOf(wide(REUSE_ON), [dest({
      portsInUse: 35000, timeWait: 1, established: 34999, timers: timers({ timed: 1, pastReuseDelay: 1, youngestTimerMs: [0] }),
    })]));
    assert.equal(reusable.destinations[0].reusable, 1);
    assert.deepEqual(destinationCodes(reusable), ['DESTINATION_PORTS_HIGH']);
  });

  it('does not fire with one port left', () => {
    const p = run(pressureOf(wide(), [dest({ portsInUse: 34999, established: 34999 })]));
    assert.deepEqual(codes(p), ['DESTINATION_PORTS_HIGH']);
  });

  it('does not fire on Windows: an exhausted host pool is one HOST_PORTS_HIGH, not one warning per destination', () => {
    const p = run(pressureOf(winRange(), [dest({ portsInUse: 16384, established: 16384 })], { hostPortsInUse: 16384 }), win32);
    assert.equal(p.destinations[0].status, 'exhausted');
    assert.deepEqual(codes(p), ['DESTINATION_PORTS_HIGH', 'HOST_PORTS_HIGH']);
    // Many destinations, the pool full: each is exhausted, none warns on its own.
    const many = run(pressureOf(winRange(), [1, 2, 3, 4].map((i) => dest({ remotePort: 3300 + i, portsInUse: 4096, established: 4096 })),
      { hostPortsInUse: 16384 }), win32);
    assert.deepEqual(many.destinations.map((d) => d.status), ['exhausted', 'exhausted', 'exhausted', 'exhausted']);
    assert.deepEqual(codes(many), ['HOST_PORTS_HIGH']);
    assert.match(many.warnings[0].message, /^16,384 of 16,384 ephemeral ports \(100%\) are held on this host, and every connection takes a port/);
  });
});

describe('warnings: DESTINATION_PORTS_HIGH', () => {
  const limit = HIGH_UTILIZATION * WIDE_SIZE; // 28,000

  it('fires above 80 % of available', () => {
    const p = run(pressureOf(wide(), [dest({ portsInUse: limit + 1, established: limit + 1 })]));
    assert.deepEqual(codes(p), ['DESTINATION_PORTS_HIGH']);
    const [w] = p.warnings;
    assert.equal(w.destination, p.destinations[0]);
    assert.equal(
      w.message,
      '10.0.0.1 -> 10.0.0.2:3306 holds 80% of 35,000 ephemeral ports; connect() to it fails with EADDRNOTAVAIL at 100%: ' +
        'pool or keep connections alive, widen the port range, or add local or remote addresses.',
    );
  });

  it('does not fire at exactly 80 %', () => {
    assert.deepEqual(codes(run(pressureOf(wide(), [dest({ portsInUse: limit, established: limit })]))), []);
  });

  it('counts listeners and leaves out reusable ports', () => {
    assert.deepEqual(codes(run(pressureOf(wide(), [dest({ portsInUse: 27990, established: 27990 })], { hostPortsListening: 11 }))), ['DESTINATION_PORTS_HIGH']);
    const reuse = run(pressureOf(wide(REUSE_ON), [dest({
      portsInUse: 30000, timeWait: 5000, established: 25000, timers: timers({ timed: 5000, pastReuseDelay: 2000, youngestTimerMs: [0] }),
    })]));
    assert.equal(reuse.destinations[0].utilization, 0.8);
    assert.deepEqual(codes(reuse), []);
  });

  it('names an IPv6 destination in brackets, one warning per busy destination', () => {
    const p = run(pressureOf(wide(), [
      dest({ family: 6, localAddress: 'fd00::1', remoteAddress: 'fd00::2', remotePort: 443, portsInUse: 34000, established: 34000 }),
      dest({ portsInUse: 10, established: 10 }),
      dest({ remotePort: 5432, portsInUse: 30000, established: 30000 }),
    ]));
    const high = warningOf(p, 'DESTINATION_PORTS_HIGH');
    assert.equal(high.length, 2);
    assert.match(high[0].message, /^fd00::1 -> \[fd00::2\]:443 holds 97% of 35,000/);
    assert.equal(high[1].destination.remotePort, 5432);
  });

  it('fires on Windows too', () => {
    assert.deepEqual(codes(run(pressureOf(winRange(), [dest({ portsInUse: 16000, established: 16000 })]), win32)), ['DESTINATION_PORTS_HIGH']);
  });
});

describe('warnings: CLOSE_RATE_ABOVE_LIMIT', () => {
  // 2,000 TIME_WAIT (or `rate`, when more) and 100 others: rate * 60 + 100 stays below 35,000
  // for rates up to 581/s.
  const closing = (rate, over = {}) => {
    const timeWait = Math.max(2000, rate);
    return dest({ portsInUse: timeWait + 100, timeWait, established: 100, timers: closingAt(rate), ...over });
  };
  const one = (d, sysctls = {}) => run(pressureOf(wide(sysctls), [d]));

  it('fires above maxConnectRate without reuse, and at 90 % of it when the ports are nearly all taken', () => {
    const p = one(closing(590));
    assert.equal(p.destinations[0].closeRate, 590);
    assert.deepEqual(codes(p), ['CLOSE_RATE_ABOVE_LIMIT']);
    const [w] = p.warnings;
    assert.equal(w.destination, p.destinations[0]);
    assert.match(
      w.message,
      /^10\.0\.0\.1 -> 10\.0\.0\.2:3306 closes 590 connections\/s, at or above the 583\.3\/s its ports sustain for 60 s of TIME_WAIT, out of ports in about [\d.]+ s: reuse connections \(pooling, keep-alive\), or allow TIME_WAIT reuse \(Linux: net\.ipv4\.tcp_tw_reuse=1 with tcp_timestamps\)\.$/,
    );
    // 530/s touches 90 % of the limit with 6 % of the ports taken: no warning.
    assert.deepEqual(codes(one(closing(530))), []);
    // Saturated: 29,000 of 35,000 ports (83 %) and 525/s.
    const saturated = one(dest({ portsInUse: 29000, timeWait: 28900, established: 100, timers: closingAt(525) }));
    assert.deepEqual(codes(saturated), ['DESTINATION_PORTS_HIGH', 'CLOSE_RATE_ABOVE_LIMIT']);
  });

  it('does not fire below 90 %', () => {
    assert.deepEqual(codes(one(closing(524))), []);
  });

  it('says when the destination runs out', () => {
    // 600/s, 20,000 TIME_WAIT and 5,000 others: 600 * 60 + 5,000 >= 35,000; 500 expire in
    // 10 s (50/s back): 10,000 / 550 = 18.2 s.
    const p = one(dest({ portsInUse: 25000, timeWait: 20000, established: 5000, timers: closingAt(600, { expiringSoon: 500 }) }));
    near(p.destinations[0].secondsToExhaustion, 10000 / 550);
    assert.match(p.warnings[0].message, /^10\.0\.0\.1 -> 10\.0\.0\.2:3306 closes 600 connections\/s, at or above the 583\.3\/s its ports sustain for 60 s of TIME_WAIT, out of ports in about 18\.2 s: /);
  });

  it('says "out of ports now" when exhausted', () => {
    const p = one(dest({ portsInUse: 35000, timeWait: 30000, established: 5000, timers: closingAt(600) }));
    assert.deepEqual(codes(p), ['DESTINATION_PORTS_EXHAUSTED', 'DESTINATION_PORTS_HIGH', 'CLOSE_RATE_ABOVE_LIMIT']);
    assert.match(warningOf(p, 'CLOSE_RATE_ABOVE_LIMIT')[0].message, /of TIME_WAIT, out of ports now: reuse connections/);
  });

  it('with reuse, the limit is maxReuseConnectRate', () => {
    // 600/s is no issue where 35,000/s are sustained.
    assert.deepEqual(codes(one(closing(600), REUSE_ON)), []);
    // 31,500/s is 90 % of 35,000/s.
    // Its 31,600 ports in use are above 80 % too.
    const p = one(closing(31500), REUSE_ON);
    assert.equal(p.destinations[0].maxConnectRate, 35000);
    assert.deepEqual(codes(p), ['DESTINATION_PORTS_HIGH', 'CLOSE_RATE_ABOVE_LIMIT']);
    assert.equal(
      warningOf(p, 'CLOSE_RATE_ABOVE_LIMIT')[0].message,
      '10.0.0.1 -> 10.0.0.2:3306 closes 31,500 connections/s, at or above the 35,000/s its ports sustain with TIME_WAIT ' +
        'reuse after 1,000 ms: reuse connections (pooling, keep-alive).',
    );
    assert.deepEqual(codes(one(closing(31499), REUSE_ON)), ['DESTINATION_PORTS_HIGH']);
  });

  it('with tcp_tw_reuse 2, the reuse limit for loopback, the TIME_WAIT limit elsewhere', () => {
    const loop = one(closing(600, { localAddress: '127.0.0.1', remoteAddress: '127.0.0.1' }), REUSE_LOOPBACK);
    assert.deepEqual(codes(loop), []);
    const away = one(closing(600), REUSE_LOOPBACK);
    assert.deepEqual(codes(away), ['CLOSE_RATE_ABOVE_LIMIT']);
    // 600 * 60 + 100 >= 35,000: (35,000 - 2,100) / 600 = 54.8 s.
    assert.equal(away.destinations[0].secondsToExhaustion, 32900 / 600);
    assert.match(away.warnings[0].message, /for 60 s of TIME_WAIT, out of ports in about 54\.8 s: reuse connections \(pooling, keep-alive\), or allow TIME_WAIT reuse/);
  });

  it('is not lifted by tcp_tw_reuse 1 without timestamps', () => {
    assert.deepEqual(codes(one(closing(600), { tcp_tw_reuse: sysctl(1), tcp_timestamps: sysctl(0) })), ['CLOSE_RATE_ABOVE_LIMIT']);
    assert.deepEqual(codes(one(closing(600), { tcp_tw_reuse: sysctl(1), tcp_timestamps: undefined })), ['CLOSE_RATE_ABOVE_LIMIT']);
  });

  it('fires on the exact rate since a previous read', () => {
    // 1,200 closes in 2 s: 600/s, though one read would give 16/s.
    const d = closing(16, { timers: closingAt(16, { sinceLastRead: 1200 }) });
    assert.deepEqual(codes(run(pressureOf(wide(), [d]), linux, 2)), ['CLOSE_RATE_ABOVE_LIMIT']);
    assert.deepEqual(codes(run(pressureOf(wide(), [d]), linux, null)), []);
  });

  it('does not fire without timers (no rate)', () => {
    assert.deepEqual(codes(one(closing(600, { timers: timers() }))), []);
  });

  it('never fires on Windows', () => {
    // 1,000 ports / 120 s is 8.3/s; the timers would give 600/s if Windows had them.
    const p = run(pressureOf(winRange({ low: 64536, high: 65535, values: {
      TcpTimedWaitDelay: { value: 120, source: 'registry' },
    } }), [closing(600, { portsInUse: 900, timeWait: 900, established: 0 })]), win32, 2);
    assert.equal(p.destinations[0].closeRate, null);
    assert.equal(warningOf(p, 'CLOSE_RATE_ABOVE_LIMIT').length, 0);
    assert.deepEqual(codes(p), ['DESTINATION_PORTS_HIGH', 'RANGE_NARROWER_THAN_DEFAULT']);
  });
});

describe('warnings: HOST_PORTS_HIGH', () => {
  it('fires above 80 % of range.available held host-wide', () => {
    const p = run(pressureOf(wide(), [], { hostPortsInUse: 28001 }));
    assert.deepEqual(codes(p), ['HOST_PORTS_HIGH']);
    assert.equal(p.warnings[0].destination, undefined);
    assert.equal(
      p.warnings[0].message,
      '28,001 of 35,000 ephemeral ports (80%) are held on this host: a bind() to port 0 (a client given a local address ' +
        'before connect()) fails with EADDRINUSE at 100%, and listeners in the range take ports from every destination; ' +
        'move listeners out of the range, drop the local address, or widen the range.',
    );
  });

  it('names the listeners among them', () => {
    const p = run(pressureOf(wide(), [], { hostPortsInUse: 30000, hostPortsListening: 1200 }));
    assert.match(p.warnings[0].message, /^30,000 of 35,000 ephemeral ports \(86%\) are held on this host, 1,200 of them by listeners: /);
  });

  it('does not fire at 80 %', () => {
    assert.deepEqual(codes(run(pressureOf(wide(), [], { hostPortsInUse: 28000 }))), []);
  });

  it('measures against available: reserved ports are out', () => {
    // 20,001 of 25,000 available.
    assert.deepEqual(codes(run(pressureOf(linuxRange({ ...WIDE, reservedInRange: 10000 }), [], { hostPortsInUse: 20001 }))), ['HOST_PORTS_HIGH', 'RESERVED_PORTS_IN_RANGE']);
  });

  it('fires on Windows too, saying that every connection takes a port of the one pool', () => {
    const p = run(pressureOf(winRange(), [], { hostPortsInUse: 14000 }), win32);
    assert.deepEqual(codes(p), ['HOST_PORTS_HIGH']);
    assert.equal(
      p.warnings[0].message,
      '14,000 of 16,384 ephemeral ports (85%) are held on this host, and every connection takes a port of its own from ' +
        'this one pool, whatever its destination: at 100% connect() fails (WSAEADDRINUSE 10048, WSAENOBUFS 10055, ' +
        '"Can\'t connect to MySQL server"); pool or keep connections alive, or widen the dynamic range (Windows: netsh int ' +
        'ipv4 set dynamicport tcp start=49152 num=16384, and the same for ipv6).',
    );
    assert.deepEqual(codes(run(pressureOf(winRange(), [], { hostPortsInUse: 13107 }), win32)), []); // 80.0 %
  });

  it('on Windows: many destinations, each far from its own limit, whose sum fills the pool', () => {
    // 5 destinations of 2,700 ports each: 13,500 of 16,384 (82 %), each 16 % of the pool.
    const destinations = [0, 1, 2, 3, 4].map((i) => dest({
      remoteAddress: `10.0.0.${10 + i}`, portsInUse: 2700, timeWait: 2700, timers: closingAt(100),
    }));
    const p = run(pressureOf(winRange(), destinations, { hostPortsInUse: 13500, timeWait: 13500 }), win32);
    assert.equal(p.range.portScope, 'host');
    assert.equal(p.hostPorts.inUse, 13500);
    assert.equal(p.hostPorts.utilization, 13500 / 16384);
    assert.deepEqual(codes(p), ['HOST_PORTS_HIGH']);
    for (const d of p.destinations) {
      assert.equal(d.utilization, 2700 / 16384, 'the share each destination takes');
      assert.equal(d.status, 'high', `${d.remoteAddress}: no destination is fine while the pool is above 80 %`);
      assert.equal(d.closeRate, null);
      assert.equal(d.secondsToExhaustion, null);
    }
    // The same table judged per destination (Linux rules on the same range) says fine to each.
    const perDestination = run(pressureOf(linuxRange({ low: 49152, high: 65535 }), destinations, { hostPortsInUse: 13500 }), linux);
    assert.ok(perDestination.destinations.every((d) => d.status === 'fine'));
  });
});

describe('warnings: TIME_WAIT_BUCKETS_FULL', () => {
  const buckets = (timeWait, entry) => run(pressureOf(linuxRange({ ...WIDE, sysctls: { tcp_max_tw_buckets: entry } }), [], { timeWait }));

  it('fires when TIME_WAIT reaches tcp_max_tw_buckets', () => {
    const at = buckets(1000, sysctl(1000));
    assert.deepEqual(codes(at), ['TIME_WAIT_BUCKETS_FULL']);
    assert.equal(at.warnings[0].destination, undefined);
    assert.equal(
      at.warnings[0].message,
      '1,000 TIME_WAIT sockets reach net.ipv4.tcp_max_tw_buckets (1,000): the kernel now drops new TIME_WAIT sockets ' +
        'early; raise the limit or close fewer connections.',
    );
    assert.deepEqual(codes(buckets(1500, sysctl(1000))), ['TIME_WAIT_BUCKETS_FULL']);
  });

  it('compares the namespace\'s whole count when the read was filtered', () => {
    const native = (timeWait, namespaceTimeWait) => pressureOf(
      linuxRange({ ...WIDE, sysctls: { tcp_max_tw_buckets: sysctl(1000) } }), [], { timeWait, namespaceTimeWait });
    const filtered = run(native(5, 1000));
    assert.equal(filtered.namespaceTimeWait, 1000);
    assert.deepEqual(codes(filtered), ['TIME_WAIT_BUCKETS_FULL']);
    assert.match(filtered.warnings[0].message, /^1,000 TIME_WAIT sockets reach/);
    assert.deepEqual(codes(run(native(5, 999))), []);
    // The read's own count stands where the namespace count is missing or lags behind it.
    assert.deepEqual(codes(run(native(1000, 990))), ['TIME_WAIT_BUCKETS_FULL']);
    assert.equal(run(native(5, null)).namespaceTimeWait, null);
  });

  it('does not fire below it, or when the sysctl is missing', () => {
    assert.deepEqual(codes(buckets(999, sysctl(1000))), []);
    assert.deepEqual(codes(buckets(1000000, undefined)), []);
    assert.deepEqual(codes(buckets(1000000, sysctl(null))), []);
  });

  it('does not fire on Windows (no such setting)', () => {
    assert.deepEqual(codes(run(pressureOf(winRange(), [], { timeWait: 1000000 }), win32)), []);
  });
});

describe('warnings: RANGE_NARROWER_THAN_DEFAULT', () => {
  it('fires on Linux below 28,232 ports', () => {
    const p = run(pressureOf(linuxRange({ low: 32768, high: 60998 })));
    assert.equal(p.range.size, LINUX_DEFAULT_SIZE - 1);
    assert.deepEqual(codes(p), ['RANGE_NARROWER_THAN_DEFAULT']);
    assert.equal(
      p.warnings[0].message,
      'The ephemeral range 32768-60998 holds 28,231 ports, fewer than the platform default 28,232: ' +
        'widen it (Linux: net.ipv4.ip_local_port_range).',
    );
  });

  it('does not fire on Linux at the default size', () => {
    assert.deepEqual(codes(run(pressureOf(linuxRange({ low: 40000, high: 40000 + LINUX_DEFAULT_SIZE - 1 })))), []);
  });

  it('fires on Windows below 16,384 ports, with the netsh advice', () => {
    const p = run(pressureOf(winRange({ low: 50000, high: 65535 })), win32);
    assert.equal(p.range.size, 15536);
    assert.deepEqual(codes(p), ['RANGE_NARROWER_THAN_DEFAULT']);
    assert.match(p.warnings[0].message, /holds 15,536 ports, fewer than the platform default 16,384/);
    assert.match(p.warnings[0].message, /netsh int ipv4 set dynamicport tcp start=49152 num=16384/);
    assert.deepEqual(codes(run(pressureOf(winRange({ low: 49152, high: 49152 + WINDOWS_DEFAULT_SIZE - 1 })), win32)), []);
  });

  it('does not fire on the unsupported platform (no default)', () => {
    assert.deepEqual(codes(run(pressureOf(linuxRange({ low: 40000, high: 40009 })), platformFor('unsupported'))), []);
  });
});

describe('warnings: RESERVED_PORTS_IN_RANGE', () => {
  // 5 % of 35,000 is 1,750.
  const reserved = (reservedInRange) => run(pressureOf(linuxRange({ ...WIDE, reservedInRange })));

  it('fires at 5 % of the range or more', () => {
    const p = reserved(1750);
    assert.deepEqual(codes(p), ['RESERVED_PORTS_IN_RANGE']);
    assert.equal(
      p.warnings[0].message,
      '1,750 ports (5%) of the ephemeral range are reserved and never handed out: move the reservations out of the range or widen it.',
    );
    assert.deepEqual(codes(reserved(3500)), ['RESERVED_PORTS_IN_RANGE']);
  });

  it('does not fire below 5 %', () => {
    assert.deepEqual(codes(reserved(1749)), []);
    assert.deepEqual(codes(reserved(0)), []);
  });
});

describe('warnings: MAX_USER_PORT_LIMITS_RANGE', () => {
  const maxUserPort = (MaxUserPort, range = {}) => run(
    pressureOf(winRange({ ...range, values: MaxUserPort === undefined ? {} : { MaxUserPort } })),
    win32,
  );
  const PARAMS = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters';

  it('is informational: says MaxUserPort is set, what it did up to Server 2003, and claims no port count', () => {
    const p = maxUserPort({ value: 60000, source: 'registry' });
    assert.deepEqual(codes(p), ['MAX_USER_PORT_LIMITS_RANGE']);
    assert.equal(p.warnings[0].destination, undefined);
    assert.equal(
      p.warnings[0].message,
      `MaxUserPort is set to 60000 (${PARAMS}). Up to Windows Server 2003 it was the top of the ephemeral range ` +
        '(1025-60000); Windows Vista and later document only the dynamic port range (here 49152-65535) and no effect ' +
        'of MaxUserPort, so no port count is claimed for it: delete the value, and size the range instead (Windows: ' +
        'netsh int ipv4 set dynamicport tcp start=49152 num=16384, and the same for ipv6).',
    );
    assert.doesNotMatch(p.warnings[0].message, /usable ports|10,849/);
    // The range itself is not cut: MaxUserPort changes no figure.
    assert.equal(p.range.low, 49152);
    assert.equal(p.range.high, 65535);
    assert.equal(p.range.available, 16384);
  });

  it('fires for any valid MaxUserPort below 65534, wherever the dynamic range lies', () => {
    for (const [value, range] of [[5000, {}], [65533, {}], [60000, { low: 10000, high: 65535 }]]) {
      const p = maxUserPort({ value, source: 'registry' }, range);
      assert.ok(codes(p).includes('MAX_USER_PORT_LIMITS_RANGE'), String(value));
      const [w] = warningOf(p, 'MAX_USER_PORT_LIMITS_RANGE');
      assert.match(w.message, new RegExp(`^MaxUserPort is set to ${value} .*\\(1025-${value}\\)`));
      assert.match(w.message, new RegExp(`\\(here ${p.range.low}-${p.range.high}\\)`));
    }
    // Also when the top of the range lies below it.
    const below = maxUserPort({ value: 60000, source: 'registry' }, { low: 49152, high: 55000 });
    assert.deepEqual(codes(below), ['RANGE_NARROWER_THAN_DEFAULT', 'MAX_USER_PORT_LIMITS_RANGE']);
  });

  it('does not fire at 65534 (limits nothing), unset or rejected', () => {
    assert.deepEqual(codes(maxUserPort({ value: 65534, source: 'registry' })), []);
    assert.deepEqual(codes(maxUserPort(undefined)), []);
    assert.deepEqual(codes(maxUserPort({ value: null, source: null })), []);
    assert.deepEqual(codes(maxUserPort({ value: 4000, source: 'registry', rejected: 'out-of-range' })), []);
    assert.deepEqual(codes(maxUserPort({ value: 65535, source: 'registry', rejected: 'out-of-range' })), []);
    assert.deepEqual(codes(maxUserPort({ value: null, source: null, rejected: 'wrong-type' })), []);
  });

  it('never fires on Linux, whatever the values hold', () => {
    const native = linuxRange();
    native.values.MaxUserPort = { value: 5000, source: 'registry' };
    assert.deepEqual(codes(run(pressureOf(native))), []);
  });
});

describe('warnings together', () => {
  it('come in their documented order, destinations first, each destination in turn', () => {
    // Range 40000-40999 (narrower than the default), tcp_tw_reuse 0, tcp_max_tw_buckets 900:
    // one client closing 100/s to :3306 with 900 TIME_WAIT, a second one full.
    const native = pressureOf(
      linuxRange({ low: 40000, high: 40999, reservedInRange: 50, sysctls: { tcp_max_tw_buckets: sysctl(900) } }),
      [
        dest({ localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', portsInUse: 902, timeWait: 900, established: 2, timers: closingAt(100, { timed: 900 }) }),
        dest({ remotePort: 5432, portsInUse: 950, established: 950 }),
      ],
      { timeWait: 900, hostPortsInUse: 940, timers: closingAt(100, { timed: 900 }) },
    );
    const p = run(native);
    assert.deepEqual(codes(p), [
      'DESTINATION_PORTS_HIGH',
      'CLOSE_RATE_ABOVE_LIMIT',
      'DESTINATION_PORTS_EXHAUSTED',
      'DESTINATION_PORTS_HIGH',
      'HOST_PORTS_HIGH',
      'TIME_WAIT_BUCKETS_FULL',
      'RANGE_NARROWER_THAN_DEFAULT',
      'RESERVED_PORTS_IN_RANGE',
    ]);
    const [d, full] = p.destinations;
    // 950 available; 902 blocked; 100/s against 950 / 60 = 15.8/s.
    assert.equal(d.utilization, 902 / 950);
    near(d.closeRate, 100);
    // 100 * 60 + 2 >= 950: 48 free ports at 100/s.
    near(d.secondsToExhaustion, 0.48);
    assert.equal(d.status, 'at-limit');
    assert.equal(full.status, 'exhausted');
    near(p.closeRate, 100);
    assert.equal(p.hostPorts.available, 10);
  });
});
