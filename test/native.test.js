'use strict';
// The netlink reader on its own: parser and bytecode on built bytes, the dump loop on the real kernel.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { compile } = require('./helpers/build');

it('native/linux and native/ports pass their checks on built bytes and the real kernel', { skip: process.platform !== 'linux' && 'Linux only' }, () => {
  const program = compile('linux_test', [
    'test/native/linux_test.cc',
    'native/linux/messages.cc',
    'native/linux/bytecode.cc',
    'native/linux/netlink.cc',
    'native/linux/counters.cc',
    'native/linux/files.cc',
    'native/linux/sys_error.cc',
    'native/ports.cc',
  ], ['-fsanitize=address,undefined', '-fno-sanitize-recover=all']);
  const run = spawnSync(program, { encoding: 'utf8', timeout: 60000 });
  const lines = run.stdout.trim().split('\n');
  const failed = lines.filter((line) => line.startsWith('not ok'));
  assert.deepEqual(failed, [], run.stdout + run.stderr);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.ok(lines.filter((line) => line.startsWith('ok ')).length >= 20, run.stdout);
});
