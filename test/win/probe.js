'use strict';
// Runs in the Windows node.exe under Wine: loads tcpstate (with the Windows addon, through
// test/helpers/addon-override.js) and makes the calls listed in a JSON file, then writes
// every answer, or the error it threw, as JSON to a file. Files, not pipes: node.exe under
// Wine cannot write to a Unix pipe.
//   node.exe -r addon-override.js probe.js CALLS.json OUT.json
// A call is { id, fn, options }, answered as { id, fn, options, value } or { ..., error };
// or { env } (environment variables for the calls after it), or { wait } (ms).
// fn 'rawPids' gives the owning-PID column straight from the addon.
const fs = require('node:fs');
const path = require('node:path');

const [callsFile, outFile] = process.argv.slice(2);
const root = path.join(__dirname, '..', '..');

function describe(error) {
  return { name: error.name, code: error.code, errno: error.errno, syscall: error.syscall, message: error.message };
}

async function main() {
  const out = { platform: process.platform, arch: process.arch, calls: [] };
  try {
    const tcpstate = require(root);
    const { native } = require(path.join(root, 'dist', 'binding.js'));
    const special = {
      rawPids: () => Array.from(native.sockets({ ipv4: true, ipv6: true, states: 0x1ffe }).pid),
    };
    out.backend = native.backend;
    out.states = tcpstate.STATES;
    const calls = JSON.parse(fs.readFileSync(callsFile, 'utf8'));
    for (const { id, fn, options, env, wait } of calls) {
      if (env) Object.assign(process.env, env);
      if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!fn) continue;
      const call = special[fn] ?? tcpstate[fn];
      const started = process.hrtime.bigint();
      const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
      try {
        const value = await (options === undefined ? call() : call(options));
        out.calls.push({ id, fn, options, value, ms: ms() });
      } catch (error) {
        out.calls.push({ id, fn, options, error: describe(error), ms: ms() });
      }
    }
  } catch (error) {
    out.loadError = { ...describe(error), stack: error.stack };
  }
  fs.writeFileSync(outFile, JSON.stringify(out));
}

main();
