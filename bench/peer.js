'use strict';
// Loads a peer library, says so, then calls it RUNS times and prints one JSON line per call:
// its time, the TCP sockets it returned, and this process's memory (maxRss is the peak so far).
// Run by agent.js in its own process group, so a call over the time cap can be killed.
const [name, runsText] = process.argv.slice(2);

const peers = {
  async systeminformation() {
    const si = require('systeminformation');
    const connections = await si.networkConnections();
    return connections.filter((c) => String(c.protocol).startsWith('tcp')).length;
  },
  nodeNetstat() {
    const netstat = require('node-netstat');
    return new Promise((resolve, reject) => {
      let count = 0;
      netstat(
        {
          done: (error) => (error ? reject(error) : resolve(count)),
        },
        (item) => {
          if (String(item.protocol).startsWith('tcp')) count++;
        },
      );
    });
  },
};

async function main() {
  const call = peers[name];
  const runs = Number(runsText);
  if (!call || !(runs >= 1)) throw new Error('usage: peer.js systeminformation|nodeNetstat RUNS');
  require(name === 'systeminformation' ? 'systeminformation' : 'node-netstat');
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  for (let i = 0; i < runs; i++) {
    const rssBefore = process.memoryUsage.rss();
    const start = process.hrtime.bigint();
    const count = await call();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const maxRss = process.resourceUsage().maxRSS * 1024;
    process.stdout.write(`${JSON.stringify({ ms, count, rssBefore, maxRss })}\n`);
  }
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ error: error.message || String(error) })}\n`);
  process.exitCode = 1;
});
