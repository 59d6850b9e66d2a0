'use strict';
// Before the tests (npm test, npm run test:win): brings build/Release/tcpstate.node, the addon
// the tests load, up to date with native/ and binding.gyp, compiling only what changed.
// `node-gyp configure` runs only when build/ has no Makefile or was configured for another
// Node ABI or architecture (a cross prebuild that stopped half-way); then `node-gyp build`,
// which is make: it recompiles the objects whose sources or headers changed, and relinks.
// node-gyp-build loads build/Release before prebuilds/, so the tests run this build, not a
// prebuild left in prebuilds/ (unless PREBUILDS_ONLY is set, which this script refuses).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const build = path.join(root, 'build');
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
// The running Node's own headers serve the N-API build: nothing is downloaded (as in prebuild.js).
const NODE_DIR = path.join(path.dirname(process.execPath), '..');

/** Why build/ must be configured again, or null when its Makefile fits this Node. */
function configureReason() {
  const makefile = path.join(build, 'Makefile');
  const configFile = path.join(build, 'config.gypi');
  if (!fs.existsSync(makefile) || !fs.existsSync(configFile)) return 'build/ is not configured';
  let variables;
  try {
    // config.gypi is JSON after its comment line.
    const text = fs.readFileSync(configFile, 'utf8').replace(/^#.*$/gm, '');
    variables = JSON.parse(text).variables;
  } catch {
    return 'build/config.gypi is unreadable';
  }
  if (String(variables.node_module_version) !== process.versions.modules) {
    return `build/ was configured for Node ABI ${variables.node_module_version}, this is ${process.versions.modules}`;
  }
  if (variables.target_arch !== process.arch) return `build/ was configured for ${variables.target_arch}`;
  return null;
}

function nodeGypRun(args) {
  const nodedir = fs.existsSync(path.join(NODE_DIR, 'include', 'node', 'node_api.h')) ? NODE_DIR : undefined;
  const env = { ...process.env };
  if (!env.npm_config_nodedir && nodedir) env.npm_config_nodedir = nodedir;
  const result = spawnSync(process.execPath, [nodeGyp, ...args, '--loglevel=warn'], { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function main() {
  if (process.env.PREBUILDS_ONLY) {
    console.error('build-changed: PREBUILDS_ONLY is set, so the tests would load a prebuild instead of this build; unset it');
    process.exit(1);
  }
  const started = Date.now();
  const reason = configureReason();
  if (reason) {
    console.log(`build-changed: ${reason}: node-gyp configure`);
    nodeGypRun(['configure']);
  }
  const addon = path.join(build, 'Release', 'tcpstate.node');
  const before = fs.existsSync(addon) ? fs.statSync(addon).mtimeMs : 0;
  nodeGypRun(['build', '--jobs=max']);
  const after = fs.statSync(addon).mtimeMs;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`build-changed: build/Release/tcpstate.node ${after !== before ? 'rebuilt' : 'up to date'} (${seconds} s)`);
}

main();
