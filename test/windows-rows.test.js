'use strict';
// The Windows row walker and port-setting rules on built bytes: OS-neutral C++, compiled
// here with the system compiler and the sanitizers (no Wine needed).
const { it } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { compile } = require('./helpers/build');

it('native/win rows and limits pass their checks on built bytes', () => {
  const program = compile('win_rows_test', [
    'test/win/rows_test.cc',
    'native/win/rows.cc',
    'native/win/limits.cc',
    'native/filter.cc',
    'native/ports.cc',
  ], ['-fsanitize=address,undefined', '-fno-sanitize-recover=all']);
  const run = spawnSync(program, { encoding: 'utf8', timeout: 60000 });
  const lines = run.stdout.trim().split('\n');
  assert.deepEqual(lines.filter((line) => line.startsWith('not ok')), [], run.stdout + run.stderr);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.ok(lines.filter((line) => line.startsWith('ok ')).length >= 40, run.stdout);
});
