'use strict';
// A Kubernetes-shaped pod without Kubernetes: a process in its own network namespace, moved into a
// kubepods cgroup as the systemd driver names it, with the OCI bundle containerd would write.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const tcpstate = require('..');
const { rootSkipReason } = require('./helpers/netns');
const { exited } = require('./helpers/tools');

const HIERARCHY = ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/pids', '/sys/fs/cgroup'].find((dir) => {
  try {
    return fs.statSync(path.join(dir, 'cgroup.procs')).isFile();
  } catch {
    return false;
  }
});
const BUNDLES = '/run/containerd/io.containerd.runtime.v2.task/k8s.io';
const skip = rootSkipReason() ?? (HIERARCHY ? false : 'no writable cgroup hierarchy');

describe('a Kubernetes pod (containerd, systemd cgroup driver)', { skip }, () => {
  const uid = `0badc0de-${String(process.pid).padStart(4, '0').slice(-4)}-4000-8000-00000000beef`;
  const id = `${'c0ffee'.repeat(10)}${String(process.pid).padStart(4, '0').slice(-4)}`;
  const slices = ['kubepods.slice', 'kubepods-burstable.slice', `kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice`, `cri-containerd-${id}.scope`];
  const cgroup = path.join(HIERARCHY || '/', ...slices);
  const bundle = path.join(BUNDLES, id);
  let child;
  let madeBundles = false;

  before(async () => {
    fs.mkdirSync(cgroup, { recursive: true });
    madeBundles = !fs.existsSync(BUNDLES);
    fs.mkdirSync(bundle, { recursive: true });
    fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify({
      ociVersion: '1.0.2',
      annotations: {
        'io.kubernetes.cri.container-type': 'container',
        'io.kubernetes.cri.container-name': 'web',
        'io.kubernetes.cri.sandbox-name': 'shop-web-7d9f',
        'io.kubernetes.cri.sandbox-namespace': 'shop',
      },
    }));
    child = spawn('unshare', ['--net', 'sleep', '1000'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    fs.writeFileSync(path.join(cgroup, 'cgroup.procs'), String(child.pid));
  });
  after(async () => {
    if (child) {
      child.kill('SIGKILL');
      await exited(child);
    }
    for (let i = slices.length; i > 0; i--) {
      try {
        fs.rmdirSync(path.join(HIERARCHY, ...slices.slice(0, i)));
      } catch {
        // still in use by something else, or gone
      }
    }
    fs.rmSync(bundle, { recursive: true, force: true });
    if (madeBundles) fs.rmSync('/run/containerd', { recursive: true, force: true });
  });

  it('names the namespace by pod UID, container id, and the names in the bundle\'s annotations', async () => {
    const inode = await (async () => {
      for (let i = 0; i < 100; i++) {
        const link = fs.readlinkSync(`/proc/${child.pid}/ns/net`);
        if (link !== fs.readlinkSync('/proc/self/ns/net')) return Number(/\d+/.exec(link)[0]);
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('unshare did not start');
    })();
    const ns = (await tcpstate.namespaces()).find((n) => n.inode === inode);
    assert.ok(ns);
    assert.deepEqual(ns.container, {
      id, runtime: 'containerd', name: 'web', pod: { uid, name: 'shop-web-7d9f', namespace: 'shop' },
    });
    const { containerLabel } = require('../dist/netns-labels');
    assert.equal(containerLabel(ns), 'shop/shop-web-7d9f');
  });
});
