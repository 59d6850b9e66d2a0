'use strict';
// Real containers: two podman containers (rootful) from a root filesystem built here from
// Debian's static busybox, found by namespaces() and read by snapshotAll() from the host.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const tcpstate = require('..');
const { rootSkipReason } = require('./helpers/netns');
const { toolSkipReason } = require('./helpers/tools');

const skip = rootSkipReason() ?? toolSkipReason('podman', 'runc', 'busybox:busybox-static') ?? false;
const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'httpd', 'wget', 'sleep'];

function podman(args) {
  return execFileSync('podman', args, { encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A root filesystem holding a static busybox and nothing else. */
function rootfs(dir) {
  for (const sub of ['bin', 'proc', 'sys', 'dev', 'etc', 'tmp', 'run', 'www']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  fs.copyFileSync(BUSYBOX, path.join(dir, 'bin', 'busybox'));
  fs.chmodSync(path.join(dir, 'bin', 'busybox'), 0o755);
  for (const applet of APPLETS) fs.symlinkSync('busybox', path.join(dir, 'bin', applet));
  fs.writeFileSync(path.join(dir, 'www', 'index.html'), 'ok\n');
}

async function waitFor(what, check, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('podman containers', { skip }, () => {
  let dir;
  const names = [`tcpstate-web-${process.pid}`, `tcpstate-client-${process.pid}`];
  const containers = {};

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpstate-rootfs-'));
    rootfs(dir);
    // runc: crun refuses hosts with cgroup v1 and v2 mounted side by side. The ulimits stay
    // within the test's own, which a process without CAP_SYS_RESOURCE cannot raise.
    const common = ['run', '-d', '--runtime', 'runc', '--network', 'none', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024'];
    const scripts = [
      // One listener.
      'exec httpd -f -p 127.0.0.1:8080 -h /www',
      // One listener and three finished requests, each leaving a TIME_WAIT socket (on the side
      // that closed first). A request made before httpd listens is refused and leaves none, so
      // the loop counts successes; /tmp/done says it finished.
      'httpd -f -p 127.0.0.1:8081 -h /www & n=0; while [ $n -lt 3 ]; do wget -q -O /dev/null http://127.0.0.1:8081/ && n=$((n+1)); done; ' +
        'echo > /tmp/done; exec sleep 1000',
    ];
    names.forEach((name, i) => {
      const id = podman([...common, '--name', name, '--rootfs', dir, '/bin/sh', '-c', scripts[i]]);
      containers[name] = { id, pid: Number(podman(['inspect', '-f', '{{.State.Pid}}', id])) };
    });
    for (const name of names) {
      const { pid } = containers[name];
      containers[name].inode = fs.statSync(`/proc/${pid}/ns/net`).ino;
    }
    // Wait until the client container's requests are done and its sockets have settled: only
    // the listener in use, the rest in TIME_WAIT (3, or more where both ends closed at once).
    const client = containers[names[1]];
    await waitFor('the requests in the client container', () => fs.existsSync(`/proc/${client.pid}/root/tmp/done`));
    client.timeWait = await waitFor('the client container\'s sockets to settle', () => {
      const text = fs.readFileSync(`/proc/${client.pid}/net/sockstat`, 'utf8');
      const tw = Number(/^TCP: .*\btw (\d+)/m.exec(text)[1]);
      return /^TCP: inuse 1\b/m.test(text) && tw >= 3 && tw;
    });
  });
  after(() => {
    for (const name of names) spawnSync('podman', ['rm', '-f', '-t', '0', name], { stdio: 'ignore', timeout: 60000 });
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('namespaces() finds both, named by container id and name', async () => {
    const list = await tcpstate.namespaces();
    for (const name of names) {
      const { id, inode, pid } = containers[name];
      const ns = list.find((n) => n.inode === inode);
      assert.ok(ns, `${name}'s namespace`);
      assert.deepEqual(ns.container, { id, runtime: 'podman', name });
      assert.equal(ns.pid, pid);
      assert.ok(ns.processes >= 1);
      assert.equal(ns.own, false);
    }
  });

  it('snapshotAll() and pressureAll() count each container\'s sockets in its own namespace', async () => {
    const all = await tcpstate.snapshotAll({ walk: 'always' });
    const [web, client] = names.map((name) => all.find((e) => e.namespace.inode === containers[name].inode));
    assert.equal(web.snapshot.total, 1);
    assert.equal(web.snapshot.states.LISTEN, 1);
    assert.equal(client.snapshot.states.LISTEN, 1);
    const { timeWait } = containers[names[1]];
    assert.equal(client.snapshot.states.TIME_WAIT, timeWait);
    assert.equal(client.snapshot.total, 1 + timeWait);
    assert.equal(client.counts.timeWait, timeWait);

    const pressure = await tcpstate.pressureAll();
    const p = pressure.find((e) => e.namespace.container && e.namespace.container.name === names[1]);
    assert.equal(p.walked, true);
    assert.equal(p.pressure.timeWait, timeWait);
    assert.equal(p.pressure.namespaceTimeWait, timeWait);
    assert.equal(p.pressure.serverSideTimeWait + p.pressure.clientSideTimeWait, timeWait, 'busybox httpd and wget race to close first');
    const w = pressure.find((e) => e.namespace.container && e.namespace.container.name === names[0]);
    assert.equal(w.walked, false, 'one listener and no TIME_WAIT: not walked');
    assert.equal(w.counts.sockets, 1);
  });
});
