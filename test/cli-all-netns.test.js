'use strict';
// `tcpstate --all-netns` and `tcpstate serve --all-netns` on the host, with a test namespace
// whose only destination has used up its ports.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { Namespace, rootSkipReason } = require('./helpers/netns');
const { cli, cliSpawn } = require('./helpers/cli');
const { toolSkipReason, exited, lineMatching } = require('./helpers/tools');
const { parseExposition } = require('./helpers/exposition');
const { destinationState, containerLabel } = require('../dist/netns-labels');
const { listedNamespaces } = require('../dist/metrics/all-netns');
const { spawnSync } = require('node:child_process');

const skip = rootSkipReason() ?? false;

describe('tcpstate --all-netns', { skip }, () => {
  let ns;
  let inode;
  before(async () => {
    ns = await Namespace.create();
    inode = fs.statSync(`/var/run/netns/${ns.name}`).ino;
    await ns.send('writeFile', { path: '/proc/sys/net/ipv4/ip_local_port_range', data: '40000 40009\n' });
    await ns.send('writeFile', { path: '/proc/sys/net/ipv4/tcp_tw_reuse', data: '0\n' });
    await ns.send('listen', { host: '127.0.0.1', port: 4100 });
    await ns.send('timeWait', { host: '127.0.0.1', port: 4100, count: 10 });
    await ns.send('settle');
  });
  after(async () => ns && ns.destroy());

  it('prints one line per namespace: container, sockets, TIME_WAIT, busiest destination, its state, warnings', () => {
    const { status, stdout, stderr } = cli(['--all-netns']);
    assert.equal(status, 0, stderr);
    const lines = stdout.split('\n');
    assert.match(lines[0], /^NETNS\s+CONTAINER\s+SOCKETS\s+TIME_WAIT\s+BUSIEST DESTINATION\s+USE\s+STATE\s+WARNINGS$/);
    const line = lines.find((l) => l.startsWith(`${inode} `));
    assert.ok(line, stdout);
    const m = new RegExp(`^${inode}\\s+${ns.name}\\s+11\\s+10\\s+127\\.0\\.0\\.1 -> 127\\.0\\.0\\.1:4100\\s+100\\.0%\\s+exhausted\\s+(\\d+)$`).exec(line);
    assert.ok(m, line);
    assert.ok(Number(m[1]) >= 2, 'ports high and the narrow range at least');
  });

  it('--json: the lines as an array', () => {
    const { status, stdout } = cli(['--all-netns', '--json']);
    assert.equal(status, 0);
    const lines = JSON.parse(stdout);
    const mine = lines.find((l) => l.namespace.inode === inode);
    assert.equal(mine.container, ns.name);
    assert.equal(mine.walked, true);
    assert.equal(mine.sockets, 11);
    assert.equal(mine.timeWait, 10);
    assert.equal(mine.busiest.state, 'exhausted');
    assert.equal(mine.busiest.portsInUse, 10);
    assert.equal(mine.error, null);
  });

  it('usage errors: with --netns, or before a command other than serve', () => {
    assert.equal(cli(['--all-netns', '--netns', '/run/netns/x']).status, 2);
    const { status, stderr } = cli(['--all-netns', 'sockets']);
    assert.equal(status, 2);
    assert.match(stderr, /--all-netns/);
  });

  it('serve --all-netns: every table series carries netns and container; promtool accepts the exposition', { skip: toolSkipReason('promtool:prometheus') ?? false }, async () => {
    const serve = cliSpawn(['--all-netns', 'serve', '--port', '0', '--min-interval', '1ms']);
    try {
      const line = await lineMatching(serve, /metrics at http/);
      const url = /(http:\/\/\S+)/.exec(line)[1];
      const text = await (await fetch(url)).text();
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);
      const { samples } = parseExposition(text);
      const mine = samples.filter((s) => s.labels.netns === String(inode));
      assert.ok(mine.length > 0);
      assert.ok(mine.every((s) => s.labels.container === ns.name));
      const value = (name, labels) => mine.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
      assert.equal(value('tcpstate_warnings', { code: 'DESTINATION_PORTS_HIGH' }), 1);
      assert.equal(value('tcpstate_sockets', { state: 'TIME_WAIT', family: 'ipv4' }), 10);
      assert.equal(value('tcpstate_destination_utilization_ratio', { remote_port: '4100' }), 1);
      assert.equal(value('tcpstate_netns_sockets', { kind: 'time_wait' }), 10);
      assert.equal(value('tcpstate_netns_walked', {}), 1);
      const collection = samples.filter((s) => s.name === 'tcpstate_read_duration_seconds' || s.name === 'tcpstate_namespaces');
      assert.ok(collection.length >= 5 && collection.every((s) => s.labels.netns === undefined));
      const seen = samples.find((s) => s.name === 'tcpstate_namespaces' && s.labels.kind === 'seen').value;
      assert.ok(seen >= 2);
    } finally {
      serve.kill('SIGTERM');
      await exited(serve);
    }
  });
});

describe('the namespace helpers', () => {
  const ns = (extra) => ({ inode: 1, path: '/proc/1/ns/net', names: [], processes: 1, pid: 1, own: false, container: null, ...extra });
  const id = 'b'.repeat(64);
  it('containerLabel: pod, container name, short id, ip netns name', () => {
    assert.equal(containerLabel(ns({ container: { id, runtime: 'containerd', pod: { uid: 'u', name: 'web-1', namespace: 'shop' } } })), 'shop/web-1');
    assert.equal(containerLabel(ns({ container: { id, runtime: 'cri', pod: { uid: 'u' } } })), 'pod u');
    assert.equal(containerLabel(ns({ container: { id, runtime: 'podman', name: 'db' } })), 'db');
    assert.equal(containerLabel(ns({ container: { id, runtime: 'docker' } })), 'b'.repeat(12));
    assert.equal(containerLabel(ns({ names: ['blue'] })), 'blue');
    assert.equal(containerLabel(ns({})), '');
  });

  it('destinationState: the words of Destination.status', () => {
    assert.equal(destinationState({ status: 'exhausted' }), 'exhausted');
    assert.equal(destinationState({ status: 'at-limit' }), 'at limit');
    assert.equal(destinationState({ status: 'high' }), 'high');
    assert.equal(destinationState({ status: 'fine' }), 'fine');
  });

  it('listedNamespaces: alerting first, then the busiest, at most max', () => {
    const rows = [
      { ns: ns({ inode: 1 }), sockets: 100, alerting: 0 },
      { ns: ns({ inode: 2 }), sockets: 5, alerting: 1 },
      { ns: ns({ inode: 3 }), sockets: 50, alerting: 0 },
      { ns: ns({ inode: 4 }), sockets: 1, alerting: 2 },
    ];
    assert.deepEqual(listedNamespaces(rows, 3).map((r) => r.ns.inode), [4, 2, 1]);
    assert.deepEqual(listedNamespaces(rows, 10).map((r) => r.ns.inode), [4, 2, 1, 3]);
  });
});
