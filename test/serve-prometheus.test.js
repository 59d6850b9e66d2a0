'use strict';
// `tcpstate serve` scraped by a real Prometheus server, both in a test namespace; the values are
// read back through Prometheus' HTTP query API, and the exposition is checked by promtool.
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { rootSkipReason } = require('./helpers/netns');
const { EXPECTED } = require('./helpers/scenario');
const { toolSkipReason, exited } = require('./helpers/tools');
const { parseExposition } = require('./helpers/exposition');
const { scrapedScenario, stopScenario } = require('./helpers/prometheus');

const skip = rootSkipReason() ?? toolSkipReason('prometheus', 'promtool:prometheus') ?? false;

describe('tcpstate serve scraped by Prometheus', { skip }, () => {
  // The test's own traffic (scrapes, queries) runs over IPv6 loopback, so the IPv4 counts stay exact.
  const EXPORTER = '[::1]:9464';
  let scenario;
  let ns;
  let serve;
  let prometheus;

  const http = (url, method) => prometheus.http(url, method);
  const query = (promql) => prometheus.query(promql);
  const eventually = (promql, check, ms) => prometheus.eventually(promql, check, ms);
  const single = (value) => (result) => result.length === 1 && result[0].value === value;

  before(async () => {
    scenario = await scrapedScenario([], 9464);
    ({ ns, serve, prometheus } = scenario);
  });

  after(async () => scenario && stopScenario(scenario));

  it('Prometheus scrapes the exporter and stores the scenario', async () => {
    await eventually('up{job="tcpstate"}', single(1));
    const ipv4 = await eventually('tcpstate_sockets{family="ipv4"} > 0', (r) => r.length === 3);
    assert.deepEqual(Object.fromEntries(ipv4.map((r) => [r.labels.state, r.value])), EXPECTED.ipv4);
    await eventually('tcpstate_sockets{family="ipv6",state="TIME_WAIT"}', single(EXPECTED.ipv6.TIME_WAIT));
    const ports = await query('tcpstate_ephemeral_ports');
    assert.deepEqual(Object.fromEntries(ports.map((r) => [r.labels.kind, r.value])), { size: 10000, reserved: 0, available: 10000 });
    for (const d of EXPECTED.destinations) {
      const labels = `local="${d.localAddress}",remote="${d.remoteAddress}",remote_port="${d.remotePort}"`;
      assert.deepEqual((await query(`tcpstate_destination_ports_in_use{${labels}}`)).map((r) => r.value), [d.portsInUse]);
      assert.deepEqual((await query(`tcpstate_destination_utilization_ratio{${labels}}`)).map((r) => r.value), [d.portsInUse / 10000]);
    }
    assert.deepEqual((await query('tcpstate_warnings > 0')).map((r) => r.labels.code), EXPECTED.warnings);
    assert.deepEqual((await query('tcpstate_read_errors_total')).map((r) => r.value), [0]);
    assert.deepEqual((await query('tcpstate_time_wait_seconds')).map((r) => r.value), [60]);
    const [duration] = await query('tcpstate_read_duration_seconds');
    assert.ok(duration.value > 0 && duration.value < 5, `read duration ${duration.value}`);
  });

  it('each scrape reads fresh: more TIME_WAIT sockets show up in Prometheus', async () => {
    await ns.send('timeWait', { host: '127.0.0.1', port: 5001, count: 5 });
    await eventually('tcpstate_sockets{family="ipv4",state="TIME_WAIT"}', single(EXPECTED.ipv4.TIME_WAIT + 5));
    await eventually('tcpstate_destination_ports_in_use{remote_port="5001"}', single(EXPECTED.destinations[0].portsInUse + 5));
    await eventually('tcpstate_time_wait_sockets{side="client"}', single(EXPECTED.timeWait.clientSide + 5));
    const rate = await query('tcpstate_close_rate_per_second');
    assert.equal(rate.length, 1);
    assert.ok(rate[0].value > 0, 'connections were closed in the last minute');
  });

  it('the exposition passes promtool check metrics, and / says what the server is', async () => {
    const response = await http(`http://${EXPORTER}/metrics`);
    assert.equal(response.status, 200);
    assert.equal(response.contentType, 'text/plain; version=0.0.4; charset=utf-8');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: response.body, encoding: 'utf8', timeout: 30000 });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
    assert.equal(`${check.stdout}${check.stderr}`.trim(), '', 'no lint findings');
    const exposition = parseExposition(response.body);
    assert.equal(exposition.type.tcpstate_read_errors_total, 'counter');
    const home = await http(`http://${EXPORTER}/`);
    assert.equal(home.status, 200);
    assert.match(home.body, /tcpstate .*Prometheus exporter/);
    assert.match(home.body, /\/metrics/);
  });

  it('stops cleanly on SIGTERM', async () => {
    serve.kill('SIGTERM');
    const { code, signal } = await exited(serve);
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
    await eventually('up{job="tcpstate"}', single(0));
  });
});
