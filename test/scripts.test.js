'use strict';
// The npm scripts: none runs by surprise as another's pre/post hook, the documented names
// exist, and the suite runs the addon built from the current native/ sources.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('./helpers/build');

const { scripts } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

// Hooks npm runs on its own lifecycle events, where running before or after is the point.
const LIFECYCLE = new Set(['pretest', 'posttest', 'prepare', 'prepack', 'postpack', 'preinstall',
  'postinstall', 'prepublishOnly', 'preversion', 'postversion']);

/** The scripts npm would run as a pre/post hook of another script that are not lifecycle hooks. */
function surpriseHooks(all) {
  return Object.keys(all).filter((name) => {
    const match = /^(pre|post)(.+)$/.exec(name);
    return match && Object.hasOwn(all, match[2]) && !LIFECYCLE.has(name);
  }).map((name) => `${name} (runs with npm run ${name.replace(/^(pre|post)/, '')})`);
}

it('no script runs as a surprise pre/post hook of another', () => {
  assert.deepEqual(surpriseHooks(scripts), []);
  // The check itself: a script named prebuild would run before every npm run build.
  assert.deepEqual(surpriseHooks({ build: 'x', prebuild: 'y', pretest: 'z', test: 'w', 'prebuild:all': 'v' }),
    ['prebuild (runs with npm run build)']);
});

it('the prebuild scripts are prebuild:all and one per group, and the docs use those names', () => {
  assert.equal(scripts.prebuild, undefined);
  const groups = ['linux-x64', 'linux-arm64', 'win32-x64'];
  for (const group of groups) assert.ok(scripts[`prebuild:${group}`], `prebuild:${group}`);
  assert.equal(scripts['prebuild:all'], groups.map((g) => `npm run prebuild:${g}`).join(' && '));
  for (const file of ['README.md', '.github/workflows/release.yml', '.ci/run']) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const stale = text.split('\n').filter((line) => /npm run prebuild(?![:\w-])/.test(line));
    assert.deepEqual(stale, [], `${file} names npm run prebuild, which no longer exists`);
  }
});

it('npm run test:win runs the Windows tests, which npm test runs too', () => {
  const windows = fs.readdirSync(path.join(root, 'test')).filter((f) => /^windows.*\.test\.js$/.test(f));
  assert.ok(windows.includes('windows.test.js') && windows.includes('windows-rows.test.js'), windows.join(', '));
  assert.match(scripts['test:win'], /node --test --test-concurrency=1 test\/windows\*\.test\.js$/);
  assert.match(scripts.test, / test\/\*\.test\.js /);
  // Both build what changed before any test loads the addon.
  assert.match(scripts['test:win'], /^node scripts\/build-changed\.js && /);
  assert.match(scripts.pretest, /^node scripts\/build-changed\.js && /);
});

/** The files under root that make depends on, from the dependency files of the last build. */
function buildInputs() {
  const deps = path.join(root, 'build', 'Release', '.deps');
  const inputs = new Set();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.o.d')) {
        // Each prerequisite is listed again alone on a line, as "path:".
        for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
          const match = /^(\S+):$/.exec(line);
          if (match) inputs.add(path.resolve(root, 'build', match[1]));
        }
      }
    }
  };
  walk(deps);
  return [...inputs].filter((f) => f.startsWith(path.join(root, 'native') + path.sep));
}

it('the tests load build/Release/tcpstate.node, built after every change to its sources', {
  skip: process.env.TCPSTATE_TEST_ADDON ? 'the suite runs another addon (TCPSTATE_TEST_ADDON)' : false,
}, () => {
  require(root);
  const loaded = Object.keys(require.cache).filter((f) => f.endsWith('.node'));
  const addon = path.join(root, 'build', 'Release', 'tcpstate.node');
  assert.deepEqual(loaded, [addon], 'node-gyp-build picked another binary than the local build');
  const built = fs.statSync(addon).mtimeMs;
  const inputs = buildInputs();
  assert.ok(inputs.some((f) => f.endsWith(path.join('native', 'addon.cc'))), inputs.join(', '));
  const newer = inputs.filter((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs > built);
  assert.deepEqual(newer.map((f) => path.relative(root, f)), [], 'changed since the addon was built: run node scripts/build-changed.js');
  // binding.gyp changes reach the addon through the Makefile gyp writes from it.
  const gyp = fs.statSync(path.join(root, 'binding.gyp')).mtimeMs;
  assert.ok(fs.statSync(path.join(root, 'build', 'Makefile')).mtimeMs >= gyp, 'binding.gyp changed since build/ was configured');
});
