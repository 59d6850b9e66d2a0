'use strict';
// deploy/: the alert rules (promtool check and unit tests from fine to exhausted), the scrape
// config, and the DaemonSet's command line and privileges.
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { toolSkipReason, exited, lineMatching } = require('./helpers/tools');
const { cliSpawn } = require('./helpers/cli');
const { WARNING_CODES } = require('../dist/metrics');

const DEPLOY = path.join(__dirname, '..', 'deploy');
const promtool = (...args) => spawnSync('promtool', args, { cwd: DEPLOY, encoding: 'utf8', timeout: 60000 });
const read = (file) => fs.readFileSync(path.join(DEPLOY, file), 'utf8');

describe('deploy/', () => {
  describe('with promtool', { skip: toolSkipReason('promtool:prometheus') ?? false }, () => {
    it('promtool check rules: alerts.yml', () => {
      const run = promtool('check', 'rules', 'alerts.yml');
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /SUCCESS: 5 rules found/);
    });
    it('promtool test rules: the alerts fire from fine to exhausted, and not before their time', () => {
      const run = promtool('test', 'rules', 'alerts.test.yml');
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /SUCCESS/);
    });
    it('promtool check config: prometheus.yml, with the rules', () => {
      const run = promtool('check', 'config', 'prometheus.yml');
      assert.equal(run.status, 0, run.stdout + run.stderr);
    });
  });

  it('the alerts name warning codes tcpstate exposes', () => {
    const codes = [...read('alerts.yml').matchAll(/code="([A-Z_]+)"/g)].map((m) => m[1]);
    assert.deepEqual(codes, ['DESTINATION_PORTS_HIGH', 'DESTINATION_PORTS_EXHAUSTED', 'CLOSE_RATE_ABOVE_LIMIT', 'TIME_WAIT_BUCKETS_FULL']);
    for (const code of codes) assert.ok(code in WARNING_CODES, code);
  });

  it('the DaemonSet: host PID namespace, every capability dropped but SYS_ADMIN and SYS_PTRACE, read-only mounts', () => {
    const text = read('daemonset.yaml');
    assert.match(text, /^\s+hostPID: true$/m);
    assert.match(text, /drop: \["ALL"\]/);
    assert.match(text, /add: \["SYS_ADMIN", "SYS_PTRACE"\]/);
    assert.match(text, /readOnlyRootFilesystem: true/);
    assert.match(text, /privileged: false/);
    const mounts = [...text.matchAll(/- \{ name: \w+, mountPath: [^}]*\}/g)].map((m) => m[0]);
    assert.ok(mounts.length >= 1 && mounts.every((m) => m.includes('readOnly: true')), mounts.join('\n'));
    assert.match(text, /mountPath: \/run\/netns/);
  });

  it('the DaemonSet\'s and the image\'s command lines start the exporter', { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
    const args = JSON.parse(/^\s+args: (\[.*\])$/m.exec(read('daemonset.yaml'))[1]);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(read('Containerfile'))[1]);
    for (const argv of [args, cmd]) {
      // The same flags, on a free loopback port.
      const local = argv.map((a, i) => (argv[i - 1] === '--port' ? '0' : argv[i - 1] === '--host' ? '127.0.0.1' : a));
      const serve = cliSpawn(local);
      try {
        assert.match(await lineMatching(serve, /metrics at http/), /^tcpstate serve: metrics at http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      } finally {
        serve.kill('SIGTERM');
        assert.deepEqual(await exited(serve), { code: 0, signal: null });
      }
    }
  });
});
