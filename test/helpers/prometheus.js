'use strict';
// A real Prometheus server in a test namespace, scraping targets on the namespace's loopback
// every second, and its HTTP query API (queried from inside the namespace).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { setTimeout: delay } = require('node:timers/promises');
const { Namespace } = require('./netns');
const { buildScenario } = require('./scenario');
const { exited, lineMatching } = require('./tools');

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

const INSIDE = path.join(__dirname, 'inside.js');
// Over IPv6 loopback, so that the tests' IPv4 counts stay exact.
const PROMETHEUS = 'http://[::1]:9090';

class Prometheus {
  /** Starts Prometheus in `ns`, scraping `targets` (host:port) as job "tcpstate". */
  static start(ns, targets) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpstate-prometheus-'));
    fs.writeFileSync(path.join(dir, 'prometheus.yml'), [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: tcpstate',
      '    static_configs:',
      `      - targets: ${JSON.stringify(targets)}`,
      '',
    ].join('\n'));
    const child = spawn('ip', ['netns', 'exec', ns.name, 'prometheus',
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      '--web.listen-address=[::1]:9090',
      '--log.level=warn',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Prometheus(ns, dir, child);
  }

  constructor(ns, dir, child) {
    this.ns = ns;
    this.dir = dir;
    this.child = child;
    this.log = '';
    child.stdout.on('data', (chunk) => (this.log += chunk));
    child.stderr.on('data', (chunk) => (this.log += chunk));
  }

  /** An HTTP request from inside the namespace: { status, contentType, body }. */
  http(url, method) {
    return this.ns.send('run', { module: INSIDE, fn: 'http', args: { url, method } });
  }

  /** The answer of an API path (`/api/v1/...`), which must succeed. */
  async api(apiPath) {
    const response = await this.http(`${PROMETHEUS}${apiPath}`);
    assert.equal(response.status, 200, `${apiPath}: ${response.body}`);
    const body = JSON.parse(response.body);
    assert.equal(body.status, 'success', response.body);
    return body.data;
  }

  /** An instant query: [{ labels, value }]. */
  async query(promql) {
    const data = await this.api(`/api/v1/query?query=${encodeURIComponent(promql)}`);
    return data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
  }

  /** Polls a query until `check(result)` holds; fails with the last result after `ms`. */
  async eventually(promql, check, ms = 30000) {
    const deadline = Date.now() + ms;
    let last;
    for (;;) {
      try {
        last = await this.query(promql);
        if (check(last)) return last;
      } catch (error) {
        last = error.message;
      }
      if (Date.now() > deadline) {
        assert.fail(`${promql}: ${JSON.stringify(last)}\nprometheus: ${this.log.slice(-2000)}`);
      }
      await delay(250);
    }
  }

  async stop() {
    this.child.kill('SIGTERM');
    await exited(this.child);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A namespace holding the scenario table (helpers/scenario.js), `tcpstate ...cliArgs serve`
 * in it on [::1]:port, and Prometheus scraping that: { ns, serve, prometheus, exporter }.
 */
async function scrapedScenario(cliArgs, port) {
  const parts = { ns: await Namespace.create(), serve: null, prometheus: null, exporter: `[::1]:${port}` };
  try {
    await buildScenario(parts.ns);
    parts.serve = spawn('ip', ['netns', 'exec', parts.ns.name, process.execPath, CLI, ...cliArgs, 'serve',
      '--host', '::1', '--port', String(port), '--min-interval', '100ms'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await lineMatching(parts.serve, new RegExp(`metrics at http://\\[::1\\]:${port}/metrics`));
    parts.prometheus = Prometheus.start(parts.ns, [parts.exporter]);
    return parts;
  } catch (error) {
    await stopScenario(parts);
    throw error;
  }
}

/** Stops what scrapedScenario() started (whatever part of it did start). */
async function stopScenario({ ns, serve, prometheus }) {
  if (prometheus) await prometheus.stop();
  if (serve) {
    serve.kill('SIGTERM');
    await exited(serve);
  }
  if (ns) await ns.destroy();
}

module.exports = { Prometheus, scrapedScenario, stopScenario };
