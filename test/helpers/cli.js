'use strict';
// Runs the tcpstate command line as a child process, in the test's namespace or not.
const path = require('node:path');
const { unsupportedAddon } = require('./build');
const { spawn, spawnSync } = require('node:child_process');

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const OVERRIDE = path.join(__dirname, 'addon-override.js');

// `failing`: the CLI runs on the addon as built for a platform without a backend, so
// every read fails for real with TCPSTATE_UNSUPPORTED_PLATFORM.
function failingEnv(failing) {
  return failing ? { TCPSTATE_TEST_ADDON: unsupportedAddon() } : {};
}

function command(args, { ns, failing } = {}) {
  const node = [process.execPath, ...(failing ? ['-r', OVERRIDE] : []), CLI, ...args];
  return ns ? ['ip', ['netns', 'exec', ns.name, ...node]] : [node[0], node.slice(1)];
}

/** Runs to the end: { status, signal, stdout, stderr }. `env` is added to a copy without NO_COLOR. */
function cli(args, { ns, failing, env = {} } = {}) {
  const [file, argv] = command(args, { ns, failing });
  const base = { ...process.env };
  delete base.NO_COLOR;
  const run = spawnSync(file, argv, { encoding: 'utf8', timeout: 30000, env: { ...base, ...failingEnv(failing), ...env } });
  if (run.error) throw run.error;
  return { status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}

/** Starts it in the background, stdout and stderr piped. */
function cliSpawn(args, { ns, failing } = {}) {
  const [file, argv] = command(args, { ns, failing });
  return spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...failingEnv(failing) } });
}

module.exports = { CLI, cli, cliSpawn };
