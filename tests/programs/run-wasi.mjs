// run-wasi.mjs: runs a wasm32-wasi command module under node's WASI.
//
//   node run-wasi.mjs MODULE.wasm [ARGS...]
//
// The module sees argv = [MODULE.wasm basename, ARGS...], an empty
// environment, no preopened directories, and node's stdin, stdout and
// stderr. The runner exits with the module's exit code; a trap (or any
// other failure to run) is reported on stderr with exit code 70. Node 18.17
// or later: the version option and the import object are spelled for both
// 18 and 20.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

// node:wasi warns that it is experimental when loaded; the warning would
// land on stderr of every run, so drop it before loading the module.
process.removeAllListeners('warning');
const { WASI } = await import('node:wasi');

const [file, ...args] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node run-wasi.mjs MODULE.wasm [ARGS...]\n');
  process.exit(2);
}

try {
  const wasi = new WASI({
    version: 'preview1',
    args: [basename(file), ...args],
    env: {},
    returnOnExit: true,
  });
  const module = await WebAssembly.compile(await readFile(file));
  const instance = await WebAssembly.instantiate(module, {
    wasi_snapshot_preview1: wasi.wasiImport,
  });
  process.exitCode = wasi.start(instance);
} catch (err) {
  process.stderr.write(`run-wasi: ${file}: ${err instanceof Error ? err.message : err}\n`);
  process.exitCode = 70;
}
