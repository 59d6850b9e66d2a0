'use strict';
// Containers: reading another network namespace by path, and the /proc/net/tcp* source.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const tcpstate = require('..');
const { Namespace, rootSkipReason } = require('./helpers/netns');
const { checkRow, checkSnapshot, keys } = require('./helpers/rows');
const { root } = require('./helpers/build');

const skip = rootSkipReason() ?? false;

function nsPath(ns) {
  return `/var/run/netns/${ns.name}`;
}

async function setRange(ns, low, high) {
  await ns.send('writeFile', { path: '/proc/sys/net/ipv4/ip_local_port_range', data: `${low} ${high}\n` });
}

describe('the netns option', { skip }, () => {
  let a;
  let b;
  before(async () => {
    a = await Namespace.create();
    b = await Namespace.create();
    await setRange(a, 20000, 29999);
    await setRange(b, 50000, 50999);
    await a.send('listen', { host: '127.0.0.1', port: 1111 });
    await a.send('pairs', { host: '127.0.0.1', port: 1111, count: 2 });
    await b.send('listen', { host: '::1', port: 2222 });
    await b.send('listen', { host: '127.0.0.1', port: 2223 });
    await b.send('timeWait', { host: '::1', port: 2222, count: 3 });
    await b.send('settle');
  });
  after(async () => {
    if (a) await a.destroy();
    if (b) await b.destroy();
  });

  it('reads each namespace\'s own sockets, rows and port range', async () => {
    const inodeA = fs.statSync(nsPath(a)).ino;
    const inodeB = fs.statSync(nsPath(b)).ino;
    assert.notEqual(inodeA, inodeB);

    const snapA = tcpstate.snapshot({ netns: nsPath(a) });
    checkSnapshot(snapA);
    assert.equal(snapA.netnsInode, inodeA);
    assert.equal(snapA.total, 5);
    assert.equal(snapA.states.ESTABLISHED, 4);

    const snapB = await tcpstate.snapshotAsync({ netns: nsPath(b) });
    assert.equal(snapB.netnsInode, inodeB);
    assert.equal(snapB.total, 5);
    assert.equal(snapB.states.TIME_WAIT, 3);
    assert.equal(snapB.states.LISTEN, 2);

    const rowsB = tcpstate.sockets({ netns: nsPath(b), states: ['TIME_WAIT'] });
    rowsB.forEach(checkRow);
    assert.equal(rowsB.length, 3);
    assert.ok(rowsB.every((r) => r.remotePort === 2222 && r.netnsInode === inodeB && r.localPort >= 50000 && r.localPort <= 50999));
    const rowsA = await tcpstate.socketsAsync({ netns: `/proc/${a.agent.pid}/ns/net`, localPort: 1111 });
    assert.equal(rowsA.length, 3);
    assert.ok(rowsA.every((r) => r.netnsInode === inodeA));

    const rangeA = tcpstate.ephemeralRange({ netns: nsPath(a) });
    const rangeB = tcpstate.ephemeralRange({ netns: nsPath(b) });
    assert.deepEqual([rangeA.low, rangeA.high, rangeA.netnsInode], [20000, 29999, inodeA]);
    assert.deepEqual([rangeB.low, rangeB.high, rangeB.netnsInode], [50000, 50999, inodeB]);

    const pressureB = await tcpstate.pressureAsync({ netns: nsPath(b) });
    assert.equal(pressureB.netnsInode, inodeB);
    assert.equal(pressureB.range.size, 1000);
    assert.equal(pressureB.clientSideTimeWait, 3);
    assert.equal(pressureB.destinations[0].remotePort, 2222);
  });

  it('reads the caller\'s own namespace right after', () => {
    tcpstate.snapshot({ netns: nsPath(a) });
    const own = tcpstate.snapshot();
    assert.equal(own.netnsInode, fs.statSync('/proc/self/ns/net').ino);
    const range = tcpstate.ephemeralRange();
    assert.equal(range.netnsInode, own.netnsInode);
    assert.notEqual(range.low, 20000);
  });

  it('watches another namespace', async () => {
    for await (const tick of tcpstate.watch({ netns: nsPath(b), intervalMs: 10 })) {
      assert.equal(tick.netnsInode, fs.statSync(nsPath(b)).ino);
      assert.equal(tick.total, 5);
      break;
    }
  });

  it('fails clearly for a missing path, a file that is no namespace, and another kind of namespace', async () => {
    const cases = [
      ['/var/run/netns/does-not-exist', 'TCPSTATE_NETNS_NOT_FOUND', 2, 'open'],
      ['/etc/hostname', 'TCPSTATE_NETNS_INVALID', 22, 'fstatfs'],
      ['/proc/self/ns/uts', 'TCPSTATE_NETNS_INVALID', 22, 'setns'],
    ];
    for (const [netns, code, errno, syscall] of cases) {
      const check = (e) => e instanceof tcpstate.TcpStateError && e.code === code && e.errno === errno &&
        e.syscall === syscall && e.message.includes(netns);
      assert.throws(() => tcpstate.snapshot({ netns }), check, netns);
      assert.throws(() => tcpstate.ephemeralRange({ netns }), check, netns);
      await assert.rejects(tcpstate.socketsAsync({ netns }), check, netns);
      await assert.rejects(tcpstate.pressureAsync({ netns }), check, netns);
    }
  });

  it('answers an unprivileged caller with TCPSTATE_PERMISSION_DENIED', () => {
    const script = `
      const t = require('.');
      const out = {};
      try { t.snapshot({ netns: ${JSON.stringify(nsPath(a))} }); out.sync = 'no error'; } catch (e) { out.sync = { code: e.code, errno: e.errno, syscall: e.syscall }; }
      t.snapshotAsync({ netns: ${JSON.stringify(nsPath(a))} }).then(() => 'no error', (e) => ({ code: e.code })).then((async) => {
        out.async = async;
        out.own = t.snapshot().total >= 0;
        process.stdout.write(JSON.stringify(out));
      });`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', uid: 65534, gid: 65534, timeout: 30000 });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.deepEqual(out.sync, { code: 'TCPSTATE_PERMISSION_DENIED', errno: 1, syscall: 'setns' });
    assert.deepEqual(out.async, { code: 'TCPSTATE_PERMISSION_DENIED' });
    assert.equal(out.own, true);
  });
});

describe('source: procfs', { skip }, () => {
  let ns;
  before(async () => {
    ns = await Namespace.create();
    await ns.send('listen', { host: '127.0.0.1', port: 3001 });
    await ns.send('listen', { host: '::', port: 3002 });
    await ns.send('pairs', { host: '127.0.0.1', port: 3001, count: 3 });
    await ns.send('pairs', { host: '127.0.0.1', port: 3002, count: 2 });
    await ns.send('pairs', { host: '::1', port: 3002, count: 2 });
    await ns.send('timeWait', { host: '127.0.0.1', port: 3001, count: 4 });
    await ns.send('timeWait', { host: '::1', port: 3002, count: 5 });
    await ns.send('settle');
  });
  after(async () => ns && ns.destroy());

  const FILTERS = [
    {},
    { states: ['TIME_WAIT'] },
    { family: 'ipv6' },
    { localPort: 3001 },
    { remotePort: [3001, 3002] },
    { localAddress: '127.0.0.0/8' },
    { remoteAddress: '::ffff:127.0.0.1' },
    { localAddress: '::1', states: ['ESTABLISHED'] },
    { remoteAddress: '10.0.0.0/8' },
  ];

  // The fields both sources give alike (procfs shows a listener's backlog as 0; timers tick in 10 ms).
  const comparable = (rows) => rows
    .map(({ family, state, localAddress, localPort, remoteAddress, remotePort, uid, inode, recvQueue }) =>
      JSON.stringify({ family, state, localAddress, localPort, remoteAddress, remotePort, uid, inode, recvQueue }))
    .sort();

  for (const options of FILTERS) {
    it(`gives the same counts and rows as netlink for ${JSON.stringify(options)}`, async () => {
      const netns = nsPath(ns);
      const viaNetlink = tcpstate.snapshot({ ...options, netns, source: 'netlink' });
      const viaProcfs = tcpstate.snapshot({ ...options, netns, source: 'procfs' });
      checkSnapshot(viaProcfs);
      assert.equal(viaNetlink.source, 'netlink');
      assert.equal(viaProcfs.source, 'procfs');
      assert.deepEqual(viaProcfs.states, viaNetlink.states);
      assert.deepEqual(viaProcfs.ipv4, viaNetlink.ipv4);
      assert.deepEqual(viaProcfs.ipv6, viaNetlink.ipv6);
      const rows = tcpstate.sockets({ ...options, netns, source: 'netlink' });
      const procRows = await tcpstate.socketsAsync({ ...options, netns, source: 'procfs' });
      procRows.forEach(checkRow);
      assert.deepEqual(keys(procRows), keys(rows));
      assert.deepEqual(comparable(procRows), comparable(rows));
      for (const row of procRows.filter((r) => r.state === 'TIME_WAIT')) {
        const twin = rows.find((r) => r.localPort === row.localPort && r.remotePort === row.remotePort);
        assert.ok(Math.abs(twin.timerMs - row.timerMs) < 5000, `${twin.timerMs} vs ${row.timerMs}`);
      }
    });
  }

  it('serves pressure() from procfs too', () => {
    const netns = nsPath(ns);
    const viaNetlink = tcpstate.pressure({ netns });
    const viaProcfs = tcpstate.pressure({ netns, source: 'procfs' });
    assert.equal(viaProcfs.source, 'procfs');
    for (const field of ['timeWait', 'clientSideTimeWait', 'serverSideTimeWait', 'destinationCount']) {
      assert.equal(viaProcfs[field], viaNetlink[field], field);
    }
    assert.deepEqual(viaProcfs.destinations.map((d) => [d.remotePort, d.portsInUse]), viaNetlink.destinations.map((d) => [d.remotePort, d.portsInUse]));
  });
});
