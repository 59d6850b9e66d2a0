'use strict';
// Every bad option gets a Node-style error before any native call, sync and async alike.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const tcpstate = require('..');

const CASES = [
  // [options, error class, code, what the message names]
  [null, TypeError, 'ERR_INVALID_ARG_TYPE', 'options'],
  [42, TypeError, 'ERR_INVALID_ARG_TYPE', 'options'],
  ['ipv4', TypeError, 'ERR_INVALID_ARG_TYPE', 'options'],
  [[], TypeError, 'ERR_INVALID_ARG_TYPE', 'options'],
  [{ famliy: 'ipv4' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.famliy'],
  [{ family: 4 }, TypeError, 'ERR_INVALID_ARG_TYPE', 'options.family'],
  [{ family: 'inet' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.family'],
  [{ states: 'LISTEN' }, TypeError, 'ERR_INVALID_ARG_TYPE', 'options.states'],
  [{ states: [] }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.states'],
  [{ states: ['LISTENING'] }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.states[0]'],
  [{ states: ['listen'] }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.states[0]'],
  [{ states: ['NEW_SYN_RECV'] }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.states[0]'],
  [{ states: ['LISTEN', 10] }, TypeError, 'ERR_INVALID_ARG_TYPE', 'options.states[1]'],
  [{ states: new Array(65).fill('LISTEN') }, RangeError, 'ERR_OUT_OF_RANGE', 'options.states.length'],
  [{ states: new Array(1e7) }, RangeError, 'ERR_OUT_OF_RANGE', 'options.states.length'],
  [{ localPort: '80' }, TypeError, 'ERR_INVALID_ARG_TYPE', 'options.localPort'],
  [{ localPort: NaN }, RangeError, 'ERR_OUT_OF_RANGE', 'options.localPort'],
  [{ localPort: -1 }, RangeError, 'ERR_OUT_OF_RANGE', 'options.localPort'],
  [{ localPort: 65536 }, RangeError, 'ERR_OUT_OF_RANGE', 'options.localPort'],
  [{ localPort: 80.5 }, RangeError, 'ERR_OUT_OF_RANGE', 'options.localPort'],
  [{ localPort: Infinity }, RangeError, 'ERR_OUT_OF_RANGE', 'options.localPort'],
  [{ remotePort: [1] }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.remotePort'],
  [{ remotePort: [1, 2, 3] }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.remotePort'],
  [{ remotePort: [10, 5] }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.remotePort'],
  [{ remotePort: ['1', 5] }, TypeError, 'ERR_INVALID_ARG_TYPE', 'options.remotePort[0]'],
  [{ remotePort: [1, 70000] }, RangeError, 'ERR_OUT_OF_RANGE', 'options.remotePort[1]'],
  [{ remotePort: { min: 1, max: 2 } }, TypeError, 'ERR_INVALID_ARG_TYPE', 'options.remotePort'],
  [{ localAddress: 127 }, TypeError, 'ERR_INVALID_ARG_TYPE', 'options.localAddress'],
  [{ localAddress: 'localhost' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.localAddress'],
  [{ localAddress: '256.0.0.1' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.localAddress'],
  [{ localAddress: '10.0.0.0/33' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.localAddress'],
  [{ localAddress: '10.0.0.0/-1' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.localAddress'],
  [{ localAddress: '10.0.0.0/' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.localAddress'],
  [{ localAddress: '10.0.0.0/8/8' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.localAddress'],
  [{ remoteAddress: '::1/129' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.remoteAddress'],
  [{ remoteAddress: 'fe80::1%eth0' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.remoteAddress'],
  [{ remoteAddress: '[::1]' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.remoteAddress'],
  [{ remoteAddress: '1'.repeat(100000) }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.remoteAddress'],
  [{ remoteAddress: '' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.remoteAddress'],
  [{ netns: 5 }, TypeError, 'ERR_INVALID_ARG_TYPE', 'options.netns'],
  [{ netns: '' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.netns'],
  [{ netns: '/run/netns/a\0b' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.netns'],
  [{ netns: '/'.repeat(5000) }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.netns'],
  [{ source: 'kernel' }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.source'],
  [{ source: true }, TypeError, 'ERR_INVALID_ARG_TYPE', 'options.source'],
];

function label(value) {
  const text = Array.isArray(value?.states) && value.states.length > 100 ? '{ states: <huge array> }' : JSON.stringify(value);
  return text && text.length > 60 ? `${text.slice(0, 57)}...` : String(text);
}

function check(error, [, Class, code, name]) {
  assert.ok(error instanceof Class, `${error.constructor.name}: ${error.message}`);
  assert.equal(error.code, code, error.message);
  assert.ok(error.message.includes(name), `"${error.message}" should name ${name}`);
  return true;
}

describe('bad options', () => {
  for (const entry of CASES) {
    const [options] = entry;
    it(`rejects ${label(options)}`, async () => {
      for (const fn of ['snapshot', 'sockets']) {
        assert.throws(() => tcpstate[fn](options), (e) => check(e, entry), fn);
      }
      for (const fn of ['snapshotAsync', 'socketsAsync']) {
        // The async calls reject rather than throw synchronously.
        let promise;
        assert.doesNotThrow(() => {
          promise = tcpstate[fn](options);
        }, fn);
        await assert.rejects(promise, (e) => check(e, entry), fn);
      }
    });
  }

  it('ignores options inherited through a polluted prototype', () => {
    Object.prototype.family = 'nonsense';
    Object.prototype.states = ['not a state'];
    try {
      const snapshot = tcpstate.snapshot({});
      assert.equal(snapshot.total, snapshot.ipv4.total + snapshot.ipv6.total);
      assert.ok(tcpstate.snapshot().total >= 0);
    } finally {
      delete Object.prototype.family;
      delete Object.prototype.states;
    }
  });

  it('accepts an options object without a prototype, and undefined', () => {
    const options = Object.create(null);
    options.states = ['LISTEN'];
    assert.equal(tcpstate.snapshot(options).states.ESTABLISHED, 0);
    assert.ok(tcpstate.snapshot(undefined).total >= 0);
  });

  it('reads a getter option once and validates the value it gave', () => {
    let reads = 0;
    const options = {
      get family() {
        reads++;
        return reads === 1 ? 'ipv4' : 42;
      },
    };
    const snapshot = tcpstate.snapshot(options);
    assert.equal(reads, 1);
    assert.equal(snapshot.ipv6.total, 0);
  });
});

describe('bad ephemeralRange() options', () => {
  const cases = [
    [null, TypeError, 'ERR_INVALID_ARG_TYPE', 'options'],
    [{ states: ['LISTEN'] }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.states'],
    [{ netns: 1 }, TypeError, 'ERR_INVALID_ARG_TYPE', 'options.netns'],
  ];
  for (const entry of cases) {
    it(`rejects ${JSON.stringify(entry[0])}`, () => {
      assert.throws(() => tcpstate.ephemeralRange(entry[0]), (e) => check(e, entry));
    });
  }
});

describe('exports', () => {
  it('lists the states in their fixed order', () => {
    assert.deepEqual([...tcpstate.STATES], [
      'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT',
      'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'DELETE_TCB',
    ]);
  });

  it('exports TcpStateError and its codes', () => {
    const error = new tcpstate.TcpStateError('x', { code: 'TCPSTATE_SYSTEM_ERROR', errno: 5, syscall: 'recvmsg' });
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'TcpStateError');
    assert.equal(error.errno, 5);
    assert.ok(tcpstate.ERROR_CODES.includes('TCPSTATE_PERMISSION_DENIED'));
    assert.ok(tcpstate.ERROR_CODES.includes('TCPSTATE_UNSUPPORTED_PLATFORM'));
  });
});

describe('bad pressure() options', () => {
  const { pressure, pressureAsync, snapshot } = tcpstate;
  const cases = [
    [{ top: -1 }, RangeError, 'ERR_OUT_OF_RANGE', 'options.top'],
    [{ top: 2.5 }, RangeError, 'ERR_OUT_OF_RANGE', 'options.top'],
    [{ top: 1e9 }, RangeError, 'ERR_OUT_OF_RANGE', 'options.top'],
    [{ top: '10' }, TypeError, 'ERR_INVALID_ARG_TYPE', 'options.top'],
    [{ intervalMs: 10 }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.intervalMs'],
    [{ remotePort: [5, 1] }, TypeError, 'ERR_INVALID_ARG_VALUE', 'options.remotePort'],
  ];
  for (const entry of cases) {
    it(`rejects ${JSON.stringify(entry[0])}`, async () => {
      assert.throws(() => pressure(entry[0]), (e) => check(e, entry));
      await assert.rejects(pressureAsync(entry[0]), (e) => check(e, entry));
    });
  }

  it('rejects top where only pressure() takes it', () => {
    assert.throws(() => snapshot({ top: 3 }), (e) => e.code === 'ERR_INVALID_ARG_VALUE' && /options\.top/.test(e.message));
  });
});
