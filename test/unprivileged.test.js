'use strict';
// Reading the table needs no privilege: an ordinary user sees its own listener.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { root } = require('./helpers/build');

const SCRIPT = `
  const net = require('net');
  const tcpstate = require('.');
  const server = net.createServer().listen(0, '127.0.0.1', async () => {
    const port = server.address().port;
    const out = {
      uid: process.getuid(),
      port,
      snapshot: tcpstate.snapshot(),
      filtered: tcpstate.snapshot({ localPort: port }),
      rows: await tcpstate.socketsAsync({ localPort: port }),
    };
    server.close();
    process.stdout.write(JSON.stringify(out));
  });
`;

it('works for an unprivileged user and sees a socket it opened', () => {
  const asRoot = process.getuid() === 0;
  // As root, drop to nobody for the child; otherwise the tests already run unprivileged.
  const run = spawnSync(process.execPath, ['-e', SCRIPT], {
    cwd: root,
    encoding: 'utf8',
    timeout: 30000,
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.notEqual(out.uid, 0);
  assert.ok(out.snapshot.states.LISTEN >= 1);
  assert.equal(out.filtered.total, 1);
  assert.equal(out.filtered.states.LISTEN, 1);
  assert.equal(out.rows.length, 1);
  assert.equal(out.rows[0].uid, out.uid);
  assert.equal(out.rows[0].localAddress, '127.0.0.1');
  assert.ok(out.rows[0].inode > 0);
});
