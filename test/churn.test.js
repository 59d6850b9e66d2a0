'use strict';
// Many concurrent reads while sockets open and close thousands of times a second.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const tcpstate = require('..');
const { Namespace, rootSkipReason } = require('./helpers/netns');
const { checkRow, checkSnapshot } = require('./helpers/rows');

describe('reads under churn', { skip: rootSkipReason() ?? false }, () => {
  let ns;
  before(async () => {
    ns = await Namespace.create();
    await ns.send('writeFile', { path: '/proc/sys/net/ipv4/ip_local_port_range', data: '1024 65535\n' });
    await ns.send('listen', { host: '127.0.0.1', port: 9001 });
    await ns.send('listen', { host: '::1', port: 9002 });
  });
  after(async () => ns && ns.destroy());

  it('resolves 100 concurrent async reads with sound results while sockets churn', async () => {
    const netns = `/var/run/netns/${ns.name}`;
    const churning = Promise.all([
      ns.send('churn', { host: '127.0.0.1', port: 9001, seconds: 4, parallel: 8 }),
      ns.send('churn', { host: '::1', port: 9002, seconds: 4, parallel: 8 }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const bound = 70000 * 2; // the namespace cannot hold more than its ports allow
    const rounds = [];
    for (let round = 0; round < 3; round++) {
      const calls = Array.from({ length: 100 }, (_, i) =>
        i % 2 ? tcpstate.snapshotAsync({ netns }) : tcpstate.socketsAsync({ netns, states: ['TIME_WAIT', 'ESTABLISHED', 'LISTEN'] }));
      const results = await Promise.all(calls);
      for (const [i, result] of results.entries()) {
        if (i % 2) {
          checkSnapshot(result);
          assert.ok(result.total >= 2 && result.total < bound, `total ${result.total}`);
          assert.equal(result.states.LISTEN, 2);
        } else {
          result.forEach(checkRow);
          assert.ok(result.length >= 2 && result.length < bound);
          assert.equal(result.filter((r) => r.state === 'LISTEN').length, 2);
        }
      }
      const sync = tcpstate.snapshot({ netns });
      checkSnapshot(sync);
      rounds.push(sync.states.TIME_WAIT);
    }
    const [a, b] = await churning;
    assert.ok(a + b > 1000, `the churn opened and closed ${a + b} connections`);
    assert.ok(rounds.at(-1) > 0, 'TIME_WAIT sockets were seen');
    const after = tcpstate.snapshot({ netns });
    assert.ok(after.states.TIME_WAIT >= rounds[0], 'TIME_WAIT only grows within the minute');
  });
});
