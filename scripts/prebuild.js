'use strict';
// npm run prebuild:<target>: builds prebuilds/<target>/ with prebuildify (N-API, stripped).
// linux-x64 uses the host compiler; linux-arm64 Debian's aarch64 cross toolchain;
// win32-x64 MinGW-w64 (see scripts/build-win.js for the flags it needs).
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

const TARGETS = {
  'linux-x64': { platform: 'linux', arch: 'x64', env: {} },
  'linux-arm64': {
    platform: 'linux',
    arch: 'arm64',
    env: {
      CC: 'aarch64-linux-gnu-gcc',
      CXX: 'aarch64-linux-gnu-g++',
      LINK: 'aarch64-linux-gnu-g++',
      AR: 'aarch64-linux-gnu-ar',
      PREBUILD_STRIP_BIN: 'aarch64-linux-gnu-strip',
    },
  },
  // Off Windows, MinGW-w64 builds it (node-gyp cannot drive that cross build): scripts/build-win.js.
  'win32-x64': { platform: 'win32', arch: 'x64', env: {}, cross: path.join(__dirname, 'build-win.js') },
};

// The running Node's own headers serve every N-API build: nothing is downloaded.
const NODE_DIR = path.join(path.dirname(process.execPath), '..');

function run(file, args, env) {
  const result = spawnSync(file, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir || NODE_DIR, ...env },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// prebuildify takes one .node file; the connect tracer's addon (built alongside, with its own
// glibc floor, see scripts/check-glibc.js) goes to prebuilds/<target>/trace/, stripped.
// Only for a build on the target's own kind of machine: a cross build has no libbpf of the target.
function copyTraceAddon(name) {
  const fs = require('node:fs');
  const built = path.join(root, 'build', 'Release', 'trace', 'tcpstate_trace.node');
  if (!fs.existsSync(built)) return;
  const dir = path.join(root, 'prebuilds', name, 'trace');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'tcpstate_trace.node');
  fs.copyFileSync(built, file);
  run('strip', ['--strip-unneeded', file], {});
}

function main() {
  const name = process.argv[2];
  const target = TARGETS[name];
  if (!target) {
    console.error(`usage: node scripts/prebuild.js <${Object.keys(TARGETS).join('|')}>`);
    process.exit(2);
  }
  // On a machine of the target's own kind (a native CI runner) the host toolchain builds it.
  const native = target.platform === process.platform && target.arch === process.arch;
  if (!native && target.cross) {
    run(process.execPath, [target.cross]);
    return;
  }
  const prebuildify = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'prebuildify.cmd' : 'prebuildify');
  run(prebuildify, [
    '--napi', '--strip', '--tag-libc', `--target=${process.versions.node}`,
    `--platform=${target.platform}`, `--arch=${target.arch}`,
  ], native ? {} : target.env);
  if (target.platform === 'linux' && native) copyTraceAddon(name);
  if (target.platform === 'linux') {
    const dir = path.join(root, 'prebuilds', name);
    const files = require('node:fs').readdirSync(dir, { recursive: true })
      .filter((f) => f.endsWith('.node')).map((f) => path.join(dir, f));
    run(process.execPath, [path.join(__dirname, 'check-glibc.js'), ...files]);
  }
  // prebuildify builds in build/, which node-gyp-build prefers to prebuilds/: leave a
  // build for this machine there, not one for the target.
  if (!native) run(path.join(root, 'node_modules', '.bin', 'node-gyp'), ['rebuild']);
}

main();
