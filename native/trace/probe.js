'use strict';
// binding.gyp asks this whether the connect tracer can be built for a target architecture:
// prints 1 when libbpf's headers and its shared library for it are installed (Debian's libbpf-dev,
// which brings libelf-dev and zlib1g-dev), else 0; TCPSTATE_NO_TRACE=1 says 0 (a build without the
// tracer). Usage: node probe.js <target_arch>
const fs = require('node:fs');

const MULTIARCH = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };
const dir = MULTIARCH[process.argv[2]];
const ok = process.platform === 'linux' && process.env.TCPSTATE_NO_TRACE !== '1' && dir !== undefined &&
  fs.existsSync('/usr/include/bpf/libbpf.h') &&
  fs.existsSync(`/usr/lib/${dir}/libbpf.so`);
process.stdout.write(ok ? '1' : '0');
