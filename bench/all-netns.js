'use strict';
// npm run bench -- --all-netns: many network namespaces on a host with a large socket table.
// A naive loop (pressureAsync() in each namespace, one after the other) against pressureAll(),
// each in a fresh Node process, with its time per round and its peak RSS.
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { Session } = require('./measure');

const ROOT = path.join(__dirname, '..');
const log = (message) => process.stderr.write(`bench: ${message}\n`);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One method in a fresh process: `rounds` reads of every namespace; prints { ms[], maxRss, namespaces, walked }. */
const CHILD = `
  const t = require(${JSON.stringify(ROOT)});
  const [method, rounds] = [process.argv[1], Number(process.argv[2])];
  (async () => {
    const ms = [];
    let namespaces = 0;
    let walked = 0;
    let errors = 0;
    for (let i = 0; i < rounds; i++) {
      const start = performance.now();
      if (method === 'naive') {
        const list = await t.namespaces();
        for (const ns of list) {
          // A namespace that other programs remove meanwhile fails alone, as in pressureAll().
          await t.pressureAsync(ns.own ? {} : { netns: ns.path }).catch((error) => errors++);
          walked++;
        }
        namespaces = list.length;
      } else {
        const all = await t.pressureAll();
        namespaces = all.length;
        walked += all.filter((e) => e.walked).length;
        errors += all.filter((e) => e.error).length;
      }
      ms.push(performance.now() - start);
    }
    process.stdout.write(JSON.stringify({ ms, maxRss: process.resourceUsage().maxRSS * 1024, namespaces, walked: walked / rounds, errors }));
  })();`;

function runMethod(method, rounds) {
  const run = spawnSync(process.execPath, ['-e', CHILD, method, String(rounds)], { encoding: 'utf8', timeout: 600000 });
  if (run.status !== 0) throw new Error(`${method}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** `count` namespaces held by an `unshare --net` sleep each, loopback up; the first `busy` get TIME_WAIT sockets. */
async function makeNamespaces(count, busy, loadBinary) {
  const held = [];
  for (let i = 0; i < count; i++) {
    const child = spawn('unshare', ['--net', 'sleep', '3600'], { stdio: 'ignore' });
    held.push(child);
  }
  process.on('exit', () => held.forEach((c) => c.kill('SIGKILL')));
  const own = fs.readlinkSync('/proc/self/ns/net');
  for (const child of held) {
    while (fs.readlinkSync(`/proc/${child.pid}/ns/net`) === own) await new Promise((r) => setTimeout(r, 5));
    execFileSync('nsenter', [`--net=/proc/${child.pid}/ns/net`, 'ip', 'link', 'set', 'lo', 'up']);
  }
  for (const child of held.slice(0, busy)) {
    execFileSync('nsenter', [`--net=/proc/${child.pid}/ns/net`, loadBinary, 'tw', '127.0.0.1', '5000', '50']);
  }
  return held;
}

async function allNetnsBench({ size = '100k', namespaces = 50, busy = 5, rounds = 5, binaries }) {
  const session = await Session.open(size, binaries, { agent: false });
  let held = [];
  try {
    const sockets = session.ns.sockstat().total;
    log(`all-netns: ${namespaces} namespaces (${busy} with TIME_WAIT) on a table of ${sockets.toLocaleString()} sockets`);
    held = await makeNamespaces(namespaces, busy, binaries.load);
    // Both methods fit in one TIME_WAIT window of the table.
    await session.ensure(45000, 'the all-netns rounds');
    const results = {};
    for (const method of ['naive', 'pressureAll']) results[method] = runMethod(method, rounds);
    const naive = median(results.naive.ms);
    const all = median(results.pressureAll.ms);
    return {
      size,
      tableSockets: sockets,
      namespaces: results.naive.namespaces,
      rounds,
      naive: { medianMs: naive, maxRss: results.naive.maxRss, walked: results.naive.walked },
      pressureAll: { medianMs: all, maxRss: results.pressureAll.maxRss, walked: results.pressureAll.walked },
      ratio: naive / all,
    };
  } finally {
    held.forEach((c) => c.kill('SIGKILL'));
    await session.close();
  }
}

function allNetnsReport(r) {
  const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
  return [
    `all network namespaces: ${r.namespaces} namespaces on a host table of ${r.tableSockets.toLocaleString()} sockets (${r.size}), median of ${r.rounds} rounds`,
    '| method | median ms per round | namespaces walked | peak RSS |',
    '| --- | ---: | ---: | ---: |',
    `| naive loop: pressureAsync() per namespace | ${r.naive.medianMs.toFixed(1)} | ${r.naive.walked} | ${mb(r.naive.maxRss)} |`,
    `| pressureAll() | ${r.pressureAll.medianMs.toFixed(1)} | ${r.pressureAll.walked} | ${mb(r.pressureAll.maxRss)} |`,
    `pressureAll() is ${r.ratio.toFixed(1)}x faster than the naive loop`,
    '',
  ].join('\n');
}

module.exports = { allNetnsBench, allNetnsReport };
