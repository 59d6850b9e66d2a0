'use strict';
// npm run fuzz [-- --seconds N]: builds each libFuzzer harness in test/fuzz with clang
// (ASan + UBSan) and runs it for a bounded time on a copy of its seed corpus.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const HARNESSES = {
  messages: ['test/fuzz/fuzz_messages.cc', 'native/linux/messages.cc', 'native/linux/sys_error.cc'],
  procfs: [
    'test/fuzz/fuzz_procfs.cc', 'native/linux/procfs.cc', 'native/linux/files.cc', 'native/linux/sys_error.cc',
    'native/filter.cc',
  ],
  ports: ['test/fuzz/fuzz_ports.cc', 'native/ports.cc'],
  // counters.cc also holds ReadCounters, which reads the files (files.cc) and reports errno (sys_error.cc).
  counters: [
    'test/fuzz/fuzz_counters.cc', 'native/linux/counters.cc', 'native/linux/files.cc', 'native/linux/sys_error.cc',
  ],
  bytecode: ['test/fuzz/fuzz_bytecode.cc', 'native/linux/bytecode.cc', 'native/filter.cc'],
  winrows: ['test/fuzz/fuzz_winrows.cc', 'native/win/rows.cc', 'native/filter.cc'],
  // The excluded port ranges netsh prints (native/win/limits.cc), with ParsePortList and CountInRange (ports.cc).
  excluded: ['test/fuzz/fuzz_excluded.cc', 'native/win/limits.cc', 'native/ports.cc'],
};

function usage(message) {
  if (message) console.error(`fuzz: ${message}`);
  console.error('usage: npm run fuzz [-- --seconds N] [--only NAME[,NAME]]');
  console.error(`harnesses: ${Object.keys(HARNESSES).join(', ')}`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { seconds: 60, only: Object.keys(HARNESSES) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help') usage();
    else if (arg === '--seconds') {
      options.seconds = Number(argv[++i]);
      if (!Number.isInteger(options.seconds) || options.seconds < 1) usage('--seconds takes a whole number >= 1');
    } else if (arg === '--only') {
      options.only = String(argv[++i] || '').split(',');
      for (const name of options.only) if (!HARNESSES[name]) usage(`no harness named ${name}`);
    } else usage(`unknown argument ${arg}`);
  }
  return options;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpstate-fuzz-'));
  let failed = 0;
  try {
    for (const name of options.only) {
      const binary = path.join(work, `fuzz_${name}`);
      execFileSync('clang++', [
        '-std=c++17', '-g', '-O1', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=all',
        ...HARNESSES[name].map((file) => path.join(root, file)), '-o', binary,
      ], { stdio: 'inherit' });
      const corpus = path.join(work, `corpus-${name}`);
      fs.cpSync(path.join(root, 'test/fuzz/corpus', name), corpus, { recursive: true });
      const run = spawnSync(binary, [
        corpus, `-max_total_time=${options.seconds}`, '-rss_limit_mb=2048', '-timeout=10', '-print_final_stats=1',
        `-artifact_prefix=${path.join(work, `${name}-`)}`,
      ], { encoding: 'utf8', cwd: work });
      const stats = (run.stderr.match(/stat::number_of_executed_units:\s*(\d+)/) || [])[1];
      if (run.status === 0) {
        console.log(`ok ${name}: ${stats} runs in ${options.seconds} s, no crash`);
      } else {
        failed++;
        console.log(`not ok ${name}: exit ${run.status}\n${run.stderr.split('\n').slice(-40).join('\n')}`);
        for (const file of fs.readdirSync(work).filter((f) => f.startsWith(`${name}-`))) {
          const keep = path.join(root, 'test/fuzz', `crash-${file}`);
          fs.copyFileSync(path.join(work, file), keep);
          console.log(`reproducer kept in ${path.relative(root, keep)}`);
        }
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`${options.only.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
