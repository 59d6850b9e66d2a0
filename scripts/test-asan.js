'use strict';
// npm run test:asan: the whole test suite against the addon built with AddressSanitizer
// and UndefinedBehaviorSanitizer (gcc), preloading the ASan runtime into node.
const { execFileSync, spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const { addon, addonFlags, compile, root } = require('../test/helpers/build');

const sanitize = [
  '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer',
  // The vptr check reads /proc/self/maps; in the test that uses up every file descriptor it
  // cannot, and reports every virtual call. Memory and the other UB checks stay on.
  '-fno-sanitize=vptr',
];
const built = addon('tcpstate-asan.node', "OS=='linux'", sanitize);
// The connect tracer's addon too, where libbpf is installed (as binding.gyp decides).
const traceBuildable = execFileSync(process.execPath, [path.join(root, 'native/trace/probe.js'), process.arch], { encoding: 'utf8' }) === '1';
const traced = traceBuildable
  ? compile('tcpstate-trace-asan.node', ['native/trace/addon.cc', 'native/trace/tracer.cc'], [
    ...addonFlags(), ...sanitize, '-Wl,--no-as-needed', '-lbpf',
  ])
  : null;
const runtime = execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
const files = process.argv.slice(2);
const tests = files.length ? files : ['test/*.test.js', 'test/*.test.mjs'];
const env = {
  ...process.env,
  LD_PRELOAD: runtime,
  // Node itself is not built for LeakSanitizer: report memory errors, not its exit-time leaks.
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:halt_on_error=1:verify_asan_link_order=0',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
  TCPSTATE_TEST_ADDON: built,
  ...(traced ? { TCPSTATE_TEST_TRACE_ADDON: traced } : {}),
  NODE_OPTIONS: `${process.env.NODE_OPTIONS || ''} --require ${path.join(root, 'test/helpers/addon-override.js')}`.trim(),
};
console.log(`# addon: ${path.relative(root, built)} (ASan + UBSan)`);
if (traced && fs.existsSync(traced)) console.log(`# trace addon: ${path.relative(root, traced)} (ASan + UBSan)`);
const run = spawnSync('sh', ['-c', `exec "${process.execPath}" --test --test-concurrency=1 ${tests.join(' ')}`], {
  cwd: root, env, stdio: 'inherit',
});
process.exit(run.status === null ? 1 : run.status);
