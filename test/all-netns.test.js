'use strict';
// namespaces(), snapshotAll() and pressureAll() on namespaces the test makes: `ip netns add`
// (with and without a process in it) and `unshare --net` processes that are not bind-mounted.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const tcpstate = require('..');
const { pressureAllWith, parseCounts, needsWalk } = require('../dist/all');
const { containerFromCgroup } = require('../dist/namespaces');
const { Namespace, rootSkipReason } = require('./helpers/netns');
const { exited } = require('./helpers/tools');
const { root } = require('./helpers/build');

const skip = rootSkipReason() ?? false;

/** A process in a fresh network namespace of its own, not bind-mounted; `extra` more processes join it. */
async function unshared(extra = 0) {
  const script = `${'sleep 1000 & '.repeat(extra)}exec sleep 1000`;
  const child = spawn('unshare', ['--net', 'sh', '-c', script], { stdio: 'ignore' });
  const deadline = Date.now() + 30000; // a bound for a loaded machine, not a timing check
  for (;;) {
    const link = fs.readlinkSync(`/proc/${child.pid}/ns/net`);
    const own = fs.readlinkSync('/proc/self/ns/net');
    if (link !== own) {
      // Wait for the children too.
      const inode = Number(/\d+/.exec(link)[0]);
      const count = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
        try {
          return fs.readlinkSync(`/proc/${p}/ns/net`) === link;
        } catch {
          return false;
        }
      }).length;
      while (count() < extra + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return { child, inode, path: `/proc/${child.pid}/ns/net` };
    }
    if (Date.now() > deadline) throw new Error('unshare did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function kill(proc) {
  if (!proc) return;
  // The sleeps it started are in its process group only via sh; kill every process in the namespace.
  for (const p of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readlinkSync(`/proc/${p}/ns/net`) === `net:[${proc.inode}]`) process.kill(Number(p), 'SIGKILL');
    } catch {
      // gone
    }
  }
  await exited(proc.child);
}

describe('every network namespace', { skip }, () => {
  let agentNs; // ip netns add, with an agent process and TIME_WAIT sockets
  let bare; // ip netns add without a process
  let quiet; // unshare --net, 3 processes, no sockets
  const bareName = `tcpstate-bare-${process.pid}`;

  before(async () => {
    agentNs = await Namespace.create();
    await agentNs.send('listen', { host: '127.0.0.1', port: 4001 });
    await agentNs.send('pairs', { host: '127.0.0.1', port: 4001, count: 2 });
    await agentNs.send('timeWait', { host: '127.0.0.1', port: 4001, count: 5 });
    await agentNs.send('settle');
    execFileSync('ip', ['netns', 'add', bareName]);
    execFileSync('ip', ['-n', bareName, 'link', 'set', 'lo', 'up']);
    quiet = await unshared(2);
  });
  after(async () => {
    if (agentNs) await agentNs.destroy();
    spawnSync('ip', ['netns', 'del', bareName]);
    await kill(quiet);
  });

  it('namespaces(): finds each one once, with its names, inode, process count and a path that enters it', async () => {
    const list = await tcpstate.namespaces();
    assert.equal(new Set(list.map((n) => n.inode)).size, list.length, 'one entry per inode');
    assert.equal(typeof list.hidden, 'number');
    assert.ok(!Object.keys(list).includes('hidden'), 'hidden is not an element');
    const byInode = new Map(list.map((n) => [n.inode, n]));

    const own = list.find((n) => n.own);
    assert.equal(own.inode, fs.statSync('/proc/self/ns/net').ino);
    assert.equal(list[0], own, 'the caller\'s namespace first');

    const agent = byInode.get(fs.statSync(`/var/run/netns/${agentNs.name}`).ino);
    assert.ok(agent);
    assert.deepEqual(agent.names, [agentNs.name]);
    assert.equal(agent.path, `/run/netns/${agentNs.name}`);
    assert.equal(agent.processes, 1);
    assert.equal(agent.pid, agentNs.agent.pid);
    assert.equal(agent.container, null);
    assert.equal(agent.own, false);

    const b = byInode.get(fs.statSync(`/var/run/netns/${bareName}`).ino);
    assert.ok(b);
    assert.deepEqual(b.names, [bareName]);
    assert.equal(b.processes, 0);
    assert.equal(b.pid, null);

    const q = byInode.get(quiet.inode);
    assert.ok(q, 'a namespace that only processes hold');
    assert.deepEqual(q.names, []);
    assert.equal(q.processes, 3);
    assert.equal(q.pid, quiet.child.pid);
    assert.equal(q.path, `/proc/${quiet.child.pid}/ns/net`);
    assert.equal(fs.statSync(q.path).ino, quiet.inode);
  });

  it('pressureAll(): walks where there is TIME_WAIT or no process to count through, skips the quiet one', async () => {
    const all = await tcpstate.pressureAll({ top: 3 });
    const find = (inode) => all.find((e) => e.namespace.inode === inode);
    const agent = find(fs.statSync(`/var/run/netns/${agentNs.name}`).ino);
    assert.equal(agent.error, undefined);
    assert.equal(agent.walked, true);
    assert.deepEqual(agent.counts, { sockets: 10, inUse: 5, timeWait: 5, established: 4, orphan: 0 });
    assert.equal(agent.pressure.netnsInode, agent.namespace.inode);
    assert.equal(agent.pressure.timeWait, 5);
    assert.equal(agent.pressure.destinations[0].remotePort, 4001);
    assert.ok(agent.pressure.destinations.length <= 3);

    const b = find(fs.statSync(`/var/run/netns/${bareName}`).ino);
    assert.equal(b.walked, true, 'no process: no counts, so it is walked');
    assert.equal(b.counts, null);
    assert.equal(b.pressure.timeWait, 0);

    const q = find(quiet.inode);
    assert.equal(q.walked, false);
    assert.equal(q.pressure, null, 'no invented figures for a namespace not walked');
    assert.equal(q.error, undefined);
    assert.deepEqual(q.counts, { sockets: 0, inUse: 0, timeWait: 0, established: 0, orphan: 0 });

    const always = await tcpstate.pressureAll({ walk: 'always', concurrency: 2 });
    const q2 = always.find((e) => e.namespace.inode === quiet.inode);
    assert.equal(q2.walked, true);
    assert.equal(q2.pressure.netnsInode, quiet.inode);
    assert.equal(q2.pressure.destinationCount, 0);
    assert.ok(always.every((e) => e.error === undefined), JSON.stringify(always.filter((e) => e.error).map((e) => e.error.message)));
  });

  it('snapshotAll(): the filters of snapshot() hold in every namespace', async () => {
    const all = await tcpstate.snapshotAll({ states: ['TIME_WAIT'], remotePort: 4001 });
    const agent = all.find((e) => e.namespace.names.includes(agentNs.name));
    assert.equal(agent.walked, true);
    assert.equal(agent.snapshot.total, 5);
    assert.equal(agent.snapshot.states.TIME_WAIT, 5);
    const q = all.find((e) => e.namespace.inode === quiet.inode);
    assert.equal(q.walked, false, 'snapshotAll skips a namespace whose counts say it has no socket');
    const own = all.find((e) => e.namespace.own);
    assert.equal(own.walked || own.counts.sockets === 0, true);
  });

  it('a namespace that disappears between the listing and the read, or during it, is an error entry of its own', async () => {
    const gone = await unshared();
    const stays = await unshared();
    try {
      const list = await tcpstate.namespaces();
      await kill(gone);
      const all = await pressureAllWith(tcpstate.pressureAsync, { walk: 'always' }, list);
      const entry = all.find((e) => e.namespace.inode === gone.inode);
      assert.equal(entry.walked, false);
      assert.equal(entry.pressure, null);
      assert.ok(entry.error instanceof tcpstate.TcpStateError);
      assert.equal(entry.error.code, 'TCPSTATE_NETNS_NOT_FOUND');
      assert.match(entry.error.message, new RegExp(`${gone.inode}`));
      assert.equal(all.filter((e) => e.error).length, 1, 'the others are read');

      // Gone after its counts were read, while its walk waits for its turn.
      const read = async (options) => {
        if (options.netns === stays.path) await kill(stays);
        return tcpstate.pressureAsync(options);
      };
      const during = await pressureAllWith(read, { walk: 'always', concurrency: 1 }, await tcpstate.namespaces());
      const late = during.find((e) => e.namespace.inode === stays.inode);
      assert.ok(late.counts, 'its counts were read');
      assert.equal(late.error.code, 'TCPSTATE_NETNS_NOT_FOUND');
    } finally {
      await kill(gone);
      await kill(stays);
    }
  });

  it('unprivileged: sees its own namespace and the bind mounts, says how many processes it could not look into, and errs for the rest', () => {
    const script = `
      const t = require('.');
      (async () => {
        const list = await t.namespaces();
        const all = await t.pressureAll({ walk: 'always' });
        process.stdout.write(JSON.stringify({
          hidden: list.hidden, inodes: list.map((n) => n.inode),
          all: all.map((e) => ({ inode: e.namespace.inode, own: e.namespace.own, walked: e.walked, code: e.error && e.error.code })),
          messages: all.filter((e) => e.error).map((e) => e.error.message),
        }));
      })();`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 30000, uid: 65534, gid: 65534 });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.ok(out.hidden > 0, 'root\'s processes are hidden from nobody');
    assert.ok(!out.inodes.includes(quiet.inode), 'a namespace only root\'s processes hold is not visible');
    const own = out.all.find((e) => e.own);
    assert.equal(own.walked, true, 'its own namespace is read without setns()');
    const bareInode = fs.statSync(`/var/run/netns/${bareName}`).ino;
    assert.deepEqual(out.all.find((e) => e.inode === bareInode), { inode: bareInode, own: false, walked: false, code: 'TCPSTATE_PERMISSION_DENIED' });
    assert.ok(out.messages.every((m) => /needs CAP_SYS_ADMIN/.test(m)), out.messages.join('\n'));
  });

  it('with CAP_SYS_PTRACE and CAP_SYS_ADMIN only, a non-root user sees and reads them all', { skip: spawnSync('setpriv', ['--help']).status !== 0 && 'needs setpriv (util-linux)' }, () => {
    const script = `require('.').pressureAll({ walk: 'always' }).then((all) => process.stdout.write(JSON.stringify({
      hidden: all.hidden, all: all.map((e) => ({ inode: e.namespace.inode, code: e.error && e.error.code })) })));`;
    const caps = '+sys_ptrace,+sys_admin';
    const run = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', '--inh-caps', caps, '--ambient-caps', caps,
      process.execPath, '-e', script], { cwd: root, encoding: 'utf8', timeout: 30000 });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    const q = out.all.find((e) => e.inode === quiet.inode);
    assert.ok(q, 'CAP_SYS_PTRACE: root\'s processes are visible');
    assert.equal(q.code, undefined, 'CAP_SYS_ADMIN: setns() into it works');
  });
});

describe('snapshotAll() and pressureAll() options', () => {
  it('the ES module entry exports the same functions', async () => {
    const esm = await import('tcpstate');
    for (const name of ['namespaces', 'snapshotAll', 'pressureAll']) assert.equal(esm[name], tcpstate[name], name);
  });

  it('rejects netns and bad values before any read', async () => {
    await assert.rejects(tcpstate.pressureAll({ netns: '/run/netns/x' }), { code: 'ERR_INVALID_ARG_VALUE' });
    await assert.rejects(tcpstate.snapshotAll({ top: 3 }), { code: 'ERR_INVALID_ARG_VALUE' });
    await assert.rejects(tcpstate.pressureAll({ concurrency: 0 }), { code: 'ERR_OUT_OF_RANGE' });
    await assert.rejects(tcpstate.pressureAll({ concurrency: 65 }), { code: 'ERR_OUT_OF_RANGE' });
    await assert.rejects(tcpstate.pressureAll({ walk: 'never' }), { code: 'ERR_INVALID_ARG_VALUE' });
    await assert.rejects(tcpstate.pressureAll({ walk: true }), { code: 'ERR_INVALID_ARG_TYPE' });
    await assert.rejects(tcpstate.pressureAll({ walkMinSockets: -1 }), { code: 'ERR_OUT_OF_RANGE' });
    await assert.rejects(tcpstate.snapshotAll({ states: [] }), { code: 'ERR_INVALID_ARG_VALUE' });
    await assert.rejects(tcpstate.pressureAll({ top: -1 }), { code: 'ERR_OUT_OF_RANGE' });
    await assert.rejects(tcpstate.snapshotAll(null), { code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('counts from sockstat, sockstat6 and snmp, and the walk rule', () => {
    const counts = parseCounts(
      'sockets: used 9\nTCP: inuse 3 orphan 1 tw 8 alloc 4 mem 1\nUDP: inuse 2 mem 0\n',
      'TCP6: inuse 2\nUDP6: inuse 0\n',
      'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs\nTcp: 1 200 120000 -1 5 3 0 0 4 100\n',
    );
    assert.deepEqual(counts, { sockets: 13, inUse: 5, timeWait: 8, established: 4, orphan: 1 });
    assert.equal(needsWalk(counts, 'auto', 1000), true, 'TIME_WAIT');
    const noTw = { ...counts, timeWait: 0, sockets: 5 };
    assert.equal(needsWalk(noTw, 'auto', 1000), false);
    assert.equal(needsWalk(noTw, 'auto', 5), true, 'many sockets');
    assert.equal(needsWalk(noTw, 'always', 1000), true);
    assert.equal(needsWalk(null, 'auto', 1000), true, 'nothing to count through');
  });
});

describe('containers from cgroup paths', () => {
  const id = 'a'.repeat(64);
  const uid = '12345678-9abc-def0-1234-56789abcdef0';
  const cases = [
    [`/machine.slice/libpod-${id}.scope`, { id, runtime: 'podman' }],
    [`/machine.slice/libpod-${id}.scope/container`, { id, runtime: 'podman' }],
    [`/libpod_parent/libpod-${id}`, { id, runtime: 'podman' }],
    [`/machine.slice/libpod-conmon-${id}.scope`, null],
    [`/system.slice/docker-${id}.scope`, { id, runtime: 'docker' }],
    [`/docker/${id}`, { id, runtime: 'docker' }],
    [`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice/cri-containerd-${id}.scope`,
      { id, runtime: 'containerd', pod: { uid } }],
    [`/kubepods.slice/kubepods-pod${uid.replace(/-/g, '_')}.slice/crio-${id}.scope`, { id, runtime: 'cri-o', pod: { uid } }],
    [`/kubepods/besteffort/pod${uid}/${id}`, { id, runtime: 'cri', pod: { uid } }],
    [`/../../kubepods/burstable/pod${uid}/${id}`, { id, runtime: 'cri', pod: { uid } }],
    ['/user.slice/user-1000.slice/session-2.scope', null],
    ['/', null],
  ];
  for (const [path, expected] of cases) {
    it(path, () => assert.deepEqual(containerFromCgroup(path), expected));
  }
});
