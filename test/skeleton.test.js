'use strict';
// The committed BPF skeleton (native/trace/connect.skel.h) is the one its sources build.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { check } = require('../scripts/check-skeleton');
const { toolSkipReason } = require('./helpers/tools');

it('the committed skeleton records the hash of its sources', () => {
  assert.deepEqual(check({ rebuild: false }).problems, []);
});

it('a fresh build of the BPF program gives the committed skeleton byte for byte', { skip: toolSkipReason('clang', 'bpftool') ?? false }, () => {
  assert.deepEqual(check({ rebuild: true }).problems, []);
});

it('a change to a source is caught', () => {
  const file = path.join(__dirname, '..', 'native', 'trace', 'connect.h');
  const original = fs.readFileSync(file);
  try {
    fs.writeFileSync(file, `${original}\n// changed\n`);
    assert.equal(check({ rebuild: false }).problems.length, 1);
  } finally {
    fs.writeFileSync(file, original);
  }
});
