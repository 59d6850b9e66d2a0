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

function gyp() {
  return JSON.parse(fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8'));
}

/** The sources binding.gyp builds under one of its conditions ("OS=='linux'", "OS!='linux'"). */
function gypSources(condition) {
  const target = gyp().targets.find((t) => t.target_name === 'tcpstate');
  const branch = target.conditions.find(([c]) => c === condition);
  return [...target.sources, ...branch[1].sources];
}

/**
 * Compiler flags for an addon built outside node-gyp: the include directories of
 * node-addon-api and Node, and the defines every target of binding.gyp gets.
 */
function addonFlags() {
  const include = require('node-addon-api').include_dir;
  const nodeInclude = path.join(path.dirname(process.execPath), '..', 'include', 'node');
  return [
    '-shared', '-fPIC', '-fvisibility=hidden', `-I${include}`, `-I${nodeInclude}`, '-I/usr/include/node',
    ...gyp().target_defaults.defines.map((d) => `-D${d}`),
  ];
}

/** Builds the addon from the sources of one binding.gyp condition, with extra flags. */
function addon(name, condition, flags = []) {
  return compile(name, gypSources(condition), [...addonFlags(), ...flags]);
}

let unsupported = null;

/** The addon as it is built for a platform without a backend (built once per process). */
function unsupportedAddon() {
  unsupported ??= addon('unsupported.node', "OS!='linux'");
  return unsupported;
}

module.exports = { compile, addon, addonFlags, unsupportedAddon, root };
