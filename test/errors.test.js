'use strict';
// Real failures become TcpStateErrors, never "0 sockets"; a platform without a backend still loads.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { unsupportedAddon, root } = require('./helpers/build');

function runNode(script, { shell } = {}) {
  const command = shell ? ['sh', ['-c', `${shell} && exec "$0" -e "$1"`, process.execPath, script]] : [process.execPath, ['-e', script]];
  const run = spawnSync(command[0], command[1], { cwd: root, encoding: 'utf8', timeout: 60000 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

it('a failing system call is a TcpStateError with errno and syscall, sync and async', () => {
  // With every file descriptor in use, the netlink socket cannot be created (EMFILE).
  const result = runNode(`
    const fs = require('fs');
    const tcpstate = require('.');
    const describe = (e) => ({ name: e.name, code: e.code, errno: e.errno, syscall: e.syscall,
      message: e.message, isTcpStateError: e instanceof tcpstate.TcpStateError });
    const fds = [];
    for (;;) { try { fds.push(fs.openSync('/dev/null', 'r')); } catch { break; } }
    const out = {};
    try { tcpstate.snapshot(); out.sync = 'no error'; } catch (e) { out.sync = describe(e); }
    try { tcpstate.sockets(); out.rows = 'no error'; } catch (e) { out.rows = describe(e); }
    tcpstate.snapshotAsync().then(() => 'no error', describe).then((async) => {
      out.async = async;
      fds.forEach((fd) => fs.closeSync(fd));
      out.after = tcpstate.snapshot().total >= 0;
      process.stdout.write(JSON.stringify(out));
    });
  `, { shell: 'ulimit -n 64' });
  for (const error of [result.sync, result.rows, result.async]) {
    assert.equal(error.isTcpStateError, true, JSON.stringify(error));
    assert.equal(error.name, 'TcpStateError');
    assert.equal(error.code, 'TCPSTATE_SYSTEM_ERROR');
    assert.equal(error.errno, 24); // EMFILE
    assert.equal(error.syscall, 'socket');
    assert.match(error.message, /socket: Too many open files/);
  }
  assert.equal(result.after, true, 'reads work again once descriptors are free');
});

it('without a backend, require works and every call fails with TCPSTATE_UNSUPPORTED_PLATFORM', () => {
  const addon = unsupportedAddon();
  // Load the package with that addon in place of the one node-gyp-build would pick.
  const result = runNode(`
    require('./test/helpers/addon-override.js').override(${JSON.stringify(addon)});
    const tcpstate = require('.');
    const describe = (e) => ({ name: e.name, code: e.code, isTcpStateError: e instanceof tcpstate.TcpStateError });
    const out = { states: tcpstate.STATES.length };
    try { tcpstate.snapshot(); } catch (e) { out.snapshot = describe(e); }
    try { tcpstate.sockets({ states: ['LISTEN'] }); } catch (e) { out.sockets = describe(e); }
    try { tcpstate.snapshot({ states: 'bad' }); } catch (e) { out.badOption = describe(e); }
    Promise.allSettled([tcpstate.snapshotAsync(), tcpstate.socketsAsync()]).then(([a, b]) => {
      out.snapshotAsync = describe(a.reason);
      out.socketsAsync = describe(b.reason);
      process.stdout.write(JSON.stringify(out));
    });
  `);
  assert.equal(result.states, 12);
  for (const fn of ['snapshot', 'sockets', 'snapshotAsync', 'socketsAsync']) {
    assert.deepEqual(result[fn], { name: 'TcpStateError', code: 'TCPSTATE_UNSUPPORTED_PLATFORM', isTcpStateError: true }, fn);
  }
  assert.equal(result.badOption.code, 'ERR_INVALID_ARG_TYPE', 'options are still checked first');
  assert.ok(path.isAbsolute(addon));
});

it('the error codes and shared numbers of native/ and lib/ are one list (no drift)', () => {
  const { native } = require('../dist/binding');
  const { ERROR_CODES } = require('..');
  const { MASK_STATES } = require('../dist/platform/table');
  assert.deepEqual([...native.constants.errorCodes].sort(), [...ERROR_CODES].sort(),
    'native/errors.h kErrorCodes and lib/errors.ts ERROR_CODES name the same codes');
  assert.equal(new Set(native.constants.errorCodes).size, native.constants.errorCodes.length);
  assert.equal(native.constants.rawStates, MASK_STATES, 'native/records.h kRawStates is the width of the state mask');
  // The field bits are distinct single bits; the facade reads them from the addon.
  const bits = Object.values(native.constants.fields);
  assert.deepEqual(Object.keys(native.constants.fields), ['timer', 'uid', 'inode', 'queues', 'pid']);
  assert.equal(bits.reduce((a, b) => a | b, 0), bits.reduce((a, b) => a + b, 0));
  for (const bit of bits) assert.ok(bit > 0 && (bit & (bit - 1)) === 0, String(bit));
});
