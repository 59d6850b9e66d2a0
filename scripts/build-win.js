'use strict';
// npm run build:win [-- --out FILE]: cross-compiles the addon for win32-x64 with MinGW-w64
// (posix thread model, everything linked statically), against an import library of
// node.exe's N-API exports made by dlltool from node-api-headers' def file. The sources
// defines and libraries are binding.gyp's, for OS=='win'. Default output:
// prebuilds/win32-x64/node.napi.node, where node-gyp-build looks on Windows.
const { execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const CXX = process.env.MINGW_CXX || 'x86_64-w64-mingw32-g++-posix';
const DLLTOOL = process.env.MINGW_DLLTOOL || 'x86_64-w64-mingw32-dlltool';
const DEFAULT_OUT = path.join(root, 'prebuilds', 'win32-x64', 'node.napi.node');

/** Sources, defines and libraries binding.gyp gives the addon when OS=='win'. */
function gypWindows() {
  const gyp = JSON.parse(fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8'));
  const target = gyp.targets.find((t) => t.target_name === 'tcpstate');
  const branch = target.conditions.find(([condition]) => condition === "OS=='win'");
  if (!branch) throw new Error("binding.gyp has no OS=='win' condition");
  const removed = new Set(branch[1]['sources!'] || []);
  const sources = [...target.sources, ...branch[1].sources].filter((s) => !removed.has(s));
  const defines = [...(gyp.target_defaults.defines || []), ...(branch[1].defines || [])];
  const libraries = (branch[1].libraries || []).map((lib) => lib.replace(/\.lib$/, ''));
  return { sources, defines, libraries };
}

function includeDirs() {
  const headers = path.dirname(require.resolve('node-api-headers/package.json', { paths: [root] }));
  return {
    include: [path.join(headers, 'include'), require('node-addon-api').include_dir],
    def: path.join(headers, 'def', 'node_api.def'),
  };
}

/** Why the cross build cannot run here, or null. */
function missingTools() {
  for (const tool of [CXX, DLLTOOL]) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} not found (apt-get install g++-mingw-w64-x86-64-posix)`;
    }
  }
  return null;
}

function run(file, args) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} failed:\n${stderr || error.message}`));
      else resolve();
    });
  });
}

/** Files whose change calls for a new build. */
function inputs(sources) {
  const native = path.join(root, 'native');
  const headers = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.h')) headers.push(file);
    }
  };
  walk(native);
  return [...sources.map((s) => path.join(root, s)), ...headers, path.join(root, 'binding.gyp'), __filename];
}

function upToDate(out, files) {
  if (!fs.existsSync(out)) return false;
  const built = fs.statSync(out).mtimeMs;
  return files.every((file) => fs.statSync(file).mtimeMs <= built);
}

/**
 * Builds the Windows addon into `out`; with `ifStale`, only when an input is newer.
 * `extra` adds sources, defines and compiler flags (a test build). Compiles the sources
 * in parallel, then links. Resolves to `out`.
 */
async function buildWindows({ out = DEFAULT_OUT, ifStale = false, extra = {} } = {}) {
  const missing = missingTools();
  if (missing) throw new Error(missing);
  const gyp = gypWindows();
  const sources = [...gyp.sources, ...(extra.sources || [])];
  const defines = [...gyp.defines, ...(extra.defines || [])];
  if (ifStale && upToDate(out, inputs(sources))) return out;
  const { include, def } = includeDirs();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tcpstate-win-'));
  try {
    await run(DLLTOOL, ['-d', def, '-D', 'node.exe', '-l', path.join(work, 'libnode.a')]);
    const flags = [
      '-std=c++17', '-O2', '-Wall', '-Wextra', ...(extra.flags || []),
      ...defines.map((d) => `-D${d}`), ...include.map((dir) => `-I${dir}`),
    ];
    const objects = sources.map((source, i) => path.join(work, `${i}-${path.basename(source, '.cc')}.o`));
    const jobs = Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length);
    for (let next = 0; next < sources.length; next += jobs) {
      await Promise.all(sources.slice(next, next + jobs).map((source, k) =>
        run(CXX, [...flags, '-c', path.join(root, source), '-o', objects[next + k]])));
    }
    const linked = path.join(work, 'tcpstate.node');
    await run(CXX, [
      '-shared', '-static', '-s', ...objects, '-o', linked, `-L${work}`, '-lnode',
      ...gyp.libraries.map((lib) => `-l${lib}`), '-Wl,--no-undefined',
    ]);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.copyFileSync(linked, out);
    return out;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function main() {
  const args = process.argv.slice(2);
  let out = DEFAULT_OUT;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out' && args[i + 1]) out = path.resolve(args[++i]);
    else {
      console.error('usage: npm run build:win [-- --out FILE]');
      process.exit(2);
    }
  }
  const started = Date.now();
  buildWindows({ out }).then(
    (file) => {
      const shown = path.relative(process.cwd(), file);
      console.log(`built ${shown.startsWith('..') ? file : shown} (win32-x64) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}

if (require.main === module) main();

module.exports = { buildWindows, missingTools, gypWindows };
