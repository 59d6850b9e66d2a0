'use strict';
// Builds native test programs and alternative addons with the system compiler, into test/.build.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const out = path.join(root, 'test', '.build');

function compile(name, sources, flags = []) {
  fs.mkdirSync(out, { recursive: true });
  const target = path.join(out, name);
  const inputs = sources.map((s) => path.join(root, s));
  execFileSync('g++', ['-std=c++17', '-O1', '-g', '-Wall', '-Wextra', '-Werror', ...flags, ...inputs, '-o', target], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return target;
}

/** The sources binding.gyp builds on a platform without a backend. */
function unsupportedSources() {
  const gyp = JSON.parse(fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8'));
  const target = gyp.targets.find((t) => t.target_name === 'tcpstate');
  const fallback = target.conditions.find(([condition]) => condition === "OS!='linux'");
  return [...target.sources, ...fallback[1].sources];
}

/** The addon as it is built for a platform without a backend. */
function unsupportedAddon() {
  const include = require('node-addon-api').include_dir;
  const nodeInclude = path.join(path.dirname(process.execPath), '..', 'include', 'node');
  return compile('unsupported.node', unsupportedSources(), [
    '-shared', '-fPIC', '-fvisibility=hidden', `-I${include}`, `-I${nodeInclude}`, '-I/usr/include/node',
    '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-DNODE_ADDON_API_CPP_EXCEPTIONS_ALL',
  ]);
}

module.exports = { compile, unsupportedAddon, root };
