// fuzz-exec.mjs: binaryen's interpreter against dogma-run, on binaryen's
// translate-to-fuzz modules.
//
//   node fuzz-exec.mjs [--seed S] [--count N] [--jobs J] [--keep DIR]
//        [--wasm-opt P] (--oracle-only | --dogma-run P [--strategy guard,checked,proved])
//
// For each seed s in S..S+N-1:
//   1. 1 to 16 KiB of bytes from a seeded generator (splitmix64 of s);
//   2. wasm-opt BYTES -ttf --denan FEATURES -o m.wasm, FEATURES being
//      exactly Dogma's (WebAssembly 2.0 without SIMD; reference types are
//      left out because binaryen 108 then emits typed function references);
//      --denan makes every float-typed expression turn NaN into 0, so that
//      NaN payloads, which WebAssembly leaves nondeterministic, never reach
//      an integer through a reinterpretation or a store;
//   3. the oracle: wasm-opt m.wasm FEATURES --fuzz-exec-before, which
//      instantiates the module once and calls every exported function in
//      export order with zero arguments, printing results, the calls to
//      the logging imports and traps (README.md, "binaryen's fuzz-exec");
//   4. dogma-run --strategy S --invoke-all on the module rewritten so that
//      each export first calls the export hangLimitInitializer, as binaryen
//      does before every call (rewriteHangLimit);
//   5. both outputs become lists of events (call, log, result, trap) and
//      are compared value by value: integers exactly, floats exactly (any
//      NaN equals any NaN), trap kinds where binaryen's message names one.
// On a mismatch it prints the seed and both event lists from the first
// difference, and keeps the module and both outputs under --keep DIR.
// --oracle-only runs steps 1-3 and checks that every line binaryen printed
// is understood. Exits 1 on any mismatch, 2 on a usage or tool error.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readModule, leb, bitsToF32, bitsToF64, signed, isNaNBits, parseValueLine } from './lib.mjs';

const FEATURES = ['--mvp-features', '--enable-sign-ext', '--enable-mutable-globals',
                  '--enable-nontrapping-float-to-int', '--enable-bulk-memory', '--enable-multivalue'];

// binaryen 108's trap messages, to dogma-run's kinds; null: any trap
const BINARYEN_TRAPS = [
  [/^final > memory|^highest > memory|out of bounds memory access|out of bounds segment access in memory\./,
   'out of bounds memory access'],
  [/^unreachable$/, 'unreachable'],
  [/ by 0$|divide by zero/, 'integer divide by zero'],
  [/of nan$/, 'invalid conversion to integer'],
  [/overflow$/, null], // below: callTable overflow is not arithmetic
  [/uninitialized|null/, 'uninitialized element'],
  [/function types don't match|signature/, 'indirect call type mismatch'],
  [/out of bounds table access|table\.(get|set|fill|copy|init)/, 'out of bounds table access'],
];
function binaryenTrapKind(msg) {
  if (msg === 'callTable overflow') return 'undefined element';
  if (/^i(32|64)\.div_s overflow$|trunc[SU]Float overflow$/.test(msg)) return 'integer overflow';
  for (const [re, kind] of BINARYEN_TRAPS) if (re.test(msg)) return kind;
  return null;
}

// ---- options -------------------------------------------------------------------
function usage(msg) {
  if (msg) process.stderr.write(`fuzz-exec: ${msg}\n`);
  process.stderr.write('usage: fuzz-exec.mjs [--seed S] [--count N] [--jobs J] [--keep DIR]\n' +
    '         [--wasm-opt P] (--oracle-only | --dogma-run P [--strategy guard,checked,proved])\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { seed: 1, count: 100, jobs: 2, keep: null, wasmOpt: 'wasm-opt', oracleOnly: false,
              dogmaRun: null, strategies: ['guard', 'checked'] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--seed') o.seed = Number(next());
    else if (a === '--count') o.count = Number(next());
    else if (a === '--jobs') o.jobs = Number(next());
    else if (a === '--keep') o.keep = next();
    else if (a === '--wasm-opt') o.wasmOpt = next();
    else if (a === '--oracle-only') o.oracleOnly = true;
    else if (a === '--dogma-run') o.dogmaRun = next();
    else if (a === '--strategy') o.strategies = next().split(',');
    else usage(`unknown argument ${a}`);
  }
  if (o.oracleOnly === (o.dogmaRun !== null)) usage('give exactly one of --oracle-only and --dogma-run');
  for (const n of [o.seed, o.count, o.jobs]) if (!Number.isInteger(n) || n < 0) usage('bad number');
  if (o.strategies.some((s) => !['guard', 'checked', 'proved'].includes(s))) usage('--strategy guard,checked,proved');
  return o;
}

// ---- seeded bytes ----------------------------------------------------------------------
function randomBytes(seed) {
  let x = BigInt(seed) * 0x9e3779b97f4a7c15n;
  const next = () => {
    x = BigInt.asUintN(64, x + 0x9e3779b97f4a7c15n);
    let z = x;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
  const len = 1024 + Number(next() % 15360n);
  const buf = Buffer.alloc(len);
  for (let i = 0; i < len; i += 8) {
    const v = next();
    for (let j = 0; j < 8 && i + j < len; j++) buf[i + j] = Number((v >> BigInt(8 * j)) & 0xffn);
  }
  return buf;
}

// ---- the hang limit ------------------------------------------------------------------------
// binaryen calls the export hangLimitInitializer (which resets the global
// that bounds loops and recursion) before each export it calls. dogma-run's
// --invoke-all does not, so give each exported function (but the
// initializer) a wrapper that calls the initializer and then the function
// with its own arguments, and export the wrapper under the same name.
// New functions go at the end of the function index space, so no existing
// index changes.
function rewriteHangLimit(buf) {
  const m = readModule(buf);
  const init = m.exports.find((e) => e.kind === 0 && e.name === 'hangLimitInitializer');
  if (!init) return buf;
  const wrapped = m.exports.filter((e) => e.kind === 0 && e !== init);
  const nfuncs = m.funcTypes.length;
  const newTypes = [], newBodies = [];
  wrapped.forEach((e) => {
    const t = m.funcTypes[e.index];
    const code = [0x00, 0x10, ...leb(init.index)];
    m.types[t].params.forEach((_, i) => code.push(0x20, ...leb(i)));
    code.push(0x10, ...leb(e.index), 0x0b);
    newTypes.push(...leb(t));
    newBodies.push(...leb(code.length), ...code);
  });
  const remap = new Map(wrapped.map((e, j) => [e, nfuncs + j]));
  const parts = [buf.subarray(0, 8)];
  for (const s of m.sections) {
    let payload = buf.subarray(s.start, s.end);
    if (s.id === 3 || s.id === 10) { // function, code: more entries at the end
      const [n, pos] = readU32At(payload, 0);
      payload = Buffer.concat([Buffer.from(leb(n + wrapped.length)), payload.subarray(pos),
                               Buffer.from(s.id === 3 ? newTypes : newBodies)]);
    } else if (s.id === 7) {
      const out = [...leb(m.exports.length)];
      for (const e of m.exports) {
        const name = Buffer.from(e.name, 'utf8');
        out.push(...leb(name.length), ...name, e.kind, ...leb(remap.get(e) ?? e.index));
      }
      payload = Buffer.from(out);
    }
    parts.push(Buffer.from([s.id, ...leb(payload.length)]), payload);
  }
  return Buffer.concat(parts);
}

function readU32At(buf, pos) {
  let result = 0, shift = 0, b;
  do { b = buf[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [result, pos];
}

// ---- parsing both outputs into events ------------------------------------------------------
// Events: {k: 'call', name} | {k: 'log', vals: [token...]} |
// {k: 'result', vals: [token...]} | {k: 'trap', kind, msg} | {k: 'limit'}.
// binaryen's values are untyped text; dogma-run's are typed bits.
function parseBinaryen(text) {
  const ev = [], unknown = [];
  for (const line of text.split('\n')) {
    let m;
    if (line === '') continue;
    if ((m = /^\[fuzz-exec\] calling (.*)$/.exec(line))) ev.push({ k: 'call', name: m[1] });
    else if ((m = /^\[fuzz-exec\] note result: .* => (.*)$/.exec(line))) {
      const v = m[1].startsWith('(') ? m[1].slice(1, -1).split(', ') : [m[1]];
      ev.push({ k: 'result', vals: v });
    } else if ((m = /^\[LoggingExternalInterface logging(.*)\]$/.exec(line))) {
      ev.push({ k: 'log', vals: m[1].trim().split(' ') });
    } else if ((m = /^\[trap (.*)\]$/.exec(line))) {
      ev.push({ k: 'trap', kind: binaryenTrapKind(m[1]), msg: m[1] });
    } else if (/^\[host limit|HostLimit/.test(line)) ev.push({ k: 'limit', msg: line });
    else unknown.push(line);
  }
  return { ev, unknown };
}

function parseDogma(text) {
  const ev = [], unknown = [];
  let last = null;
  for (const line of text.split('\n')) {
    let m;
    if (line === '') continue;
    if ((m = /^call (.*)$/.exec(line))) { ev.push({ k: 'call', name: m[1] }); last = null; }
    else if ((m = /^log: (.*)$/.exec(line))) {
      const v = parseValueLine(m[1]);
      if (!v) unknown.push(line);
      else ev.push({ k: 'log', vals: [v] });
      last = null;
    } else if ((m = /^trap: (.*)$/.exec(line))) { ev.push({ k: 'trap', kind: m[1] }); last = null; }
    else {
      const v = parseValueLine(line);
      if (!v) { unknown.push(line); continue; }
      if (!last) { last = { k: 'result', vals: [] }; ev.push(last); }
      last.vals.push(v);
    }
  }
  return { ev, unknown };
}

// ---- comparing --------------------------------------------------------------------------
// Does binaryen's untyped token text match dogma-run's typed value v?
function sameValue(text, v) {
  if (v.type === 'i32' || v.type === 'i64') {
    try { return BigInt(text) === signed(v.bits, v.type === 'i32' ? 32 : 64); } catch { return false; }
  }
  if (v.type === 'f32' || v.type === 'f64') {
    if (isNaNBits(v.bits, v.type)) return /^-?nan/.test(text);
    const x = v.type === 'f32' ? bitsToF32(v.bits) : bitsToF64(v.bits);
    let y;
    if (text === 'inf') y = Infinity;
    else if (text === '-inf') y = -Infinity;
    else if (/^-?nan/.test(text)) return false;
    else y = Number(text);
    return Object.is(x, y);
  }
  return false; // references: binaryen prints their type only
}

function sameEvent(b, d) {
  if (b.k !== d.k) return false;
  if (b.k === 'call') return b.name === d.name;
  if (b.k === 'trap') return b.kind === null || b.kind === d.kind;
  if (b.k === 'log') {
    const v = d.vals[0];
    if (v.type === 'i64') { // binaryen logs an i64 as two i32s, low then high
      const s = signed(v.bits, 64);
      const lo = BigInt.asIntN(32, s), hi = BigInt.asIntN(32, s >> 32n);
      return b.vals.length === 2 && b.vals[0] === String(lo) && b.vals[1] === String(hi);
    }
    return b.vals.length === 1 && sameValue(b.vals[0], v);
  }
  return b.vals.length === d.vals.length && b.vals.every((t, i) => sameValue(t, d.vals[i]));
}

function showEvent(e) {
  if (e.k === 'call') return `call ${e.name}`;
  if (e.k === 'trap') return `trap: ${e.kind ?? '?'}${e.msg ? ` (binaryen: ${e.msg})` : ''}`;
  if (e.k === 'limit') return `host limit (${e.msg})`;
  const vals = e.vals.map((v) => (typeof v === 'string' ? v : showDogmaValue(v))).join(' ');
  return `${e.k} ${vals}`;
}
function showDogmaValue(v) {
  if (v.type === 'i32' || v.type === 'i64') return `${v.type}:${signed(v.bits, v.type === 'i32' ? 32 : 64)}`;
  if (v.type === 'f32' || v.type === 'f64') {
    const x = v.type === 'f32' ? bitsToF32(v.bits) : bitsToF64(v.bits);
    return `${v.type}:${Object.is(x, -0) ? '-0' : x}`;
  }
  return `${v.type}:${v.bits ?? 'null'}`;
}

// Returns null when they agree, else a report. binaryen's result for a
// function returning a reference is its type name: skipped. A host limit
// (binaryen gave up, e.g. on its own recursion limit) ends the comparison.
function compare(bev, dev) {
  let i = 0;
  for (; i < bev.length; i++) {
    const b = bev[i], d = dev[i];
    if (b.k === 'limit') return null;
    if (!d || !sameEvent(b, d)) break;
  }
  if (i === bev.length && i === dev.length) return null;
  const from = Math.max(0, i - 3);
  const rows = [];
  for (let j = from; j < Math.min(Math.max(bev.length, dev.length), i + 6); j++) {
    const l = bev[j] ? showEvent(bev[j]) : '(end)', r = dev[j] ? showEvent(dev[j]) : '(end)';
    rows.push(`${j === i ? '>' : ' '} ${l.padEnd(48)} | ${r}`);
  }
  return `first difference at event ${i}:\n  ${'binaryen'.padEnd(48)} | dogma-run\n` + rows.join('\n');
}

// ---- running ----------------------------------------------------------------------------------
function exec(cmd, args, timeout = 60000) {
  return new Promise((res) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, timeout }, (err, stdout, stderr) => {
      if (err && err.code === 'ENOENT') {
        process.stderr.write(`fuzz-exec: cannot run ${cmd}\n`);
        process.exit(2);
      }
      res({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0,
            signal: err?.signal ?? null, killed: !!err?.killed, stdout, stderr });
    });
  });
}

async function oneSeed(o, seed, dir) {
  const raw = join(dir, `seed-${seed}.bin`), mod = join(dir, `seed-${seed}.wasm`);
  writeFileSync(raw, randomBytes(seed));
  let r = await exec(o.wasmOpt, [raw, '-ttf', '--denan', ...FEATURES, '-o', mod]);
  if (r.status !== 0) return { seed, tool: `wasm-opt -ttf failed: ${r.stderr}` };
  r = await exec(o.wasmOpt, [mod, ...FEATURES, '--fuzz-exec-before']);
  if (r.status !== 0) return { seed, tool: `wasm-opt --fuzz-exec-before failed: ${r.stderr}` };
  const bin = parseBinaryen(r.stdout);
  const res = { seed, mod, binOut: r.stdout, calls: bin.ev.filter((e) => e.k === 'call').length,
                traps: bin.ev.filter((e) => e.k === 'trap').length, unknown: bin.unknown, mismatches: [] };
  if (bin.unknown.length || o.oracleOnly) return res;
  const dmod = join(dir, `seed-${seed}.dogma.wasm`);
  writeFileSync(dmod, rewriteHangLimit(readFileSync(mod)));
  for (const s of o.strategies) {
    r = await exec(o.dogmaRun, ['--strategy', s, '--invoke-all', dmod]);
    const dog = parseDogma(r.stdout);
    let why = null;
    if (r.killed) why = 'dogma-run timed out after 60 s';
    else if (r.status !== 0) why = `dogma-run exited ${r.signal ?? r.status}: ${r.stderr.split('\n').slice(0, 5).join('\n')}`;
    else if (dog.unknown.length) why = `dogma-run printed lines not in its format:\n  ${dog.unknown.slice(0, 5).join('\n  ')}`;
    else why = compare(bin.ev, dog.ev);
    if (why) res.mismatches.push({ strategy: s, why, out: r.stdout, err: r.stderr });
  }
  return res;
}

function keep(o, dir, res) {
  if (!o.keep) return null;
  const d = join(o.keep, `seed-${res.seed}`);
  mkdirSync(d, { recursive: true });
  for (const f of [`seed-${res.seed}.wasm`, `seed-${res.seed}.dogma.wasm`, `seed-${res.seed}.bin`]) {
    try { copyFileSync(join(dir, f), join(d, f)); } catch { /* not made */ }
  }
  writeFileSync(join(d, 'binaryen.txt'), res.binOut ?? '');
  for (const m of res.mismatches) {
    writeFileSync(join(d, `dogma-${m.strategy}.txt`), m.out);
    writeFileSync(join(d, `dogma-${m.strategy}.stderr`), m.err);
  }
  return d;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'dogma-fuzz-exec-'));
  const seeds = Array.from({ length: o.count }, (_, i) => o.seed + i);
  let failed = 0, calls = 0, traps = 0, done = 0, toolErrors = 0;
  const worker = async () => {
    while (seeds.length) {
      const seed = seeds.shift();
      const res = await oneSeed(o, seed, dir);
      done++;
      if (res.tool) {
        toolErrors++;
        console.log(`seed ${seed}: ${res.tool}`);
        continue;
      }
      calls += res.calls;
      traps += res.traps;
      if (res.unknown.length) {
        failed++;
        const k = keep(o, dir, res);
        console.log(`seed ${seed}: binaryen printed lines this harness does not understand:\n  ` +
                    res.unknown.slice(0, 5).join('\n  ') + (k ? `\n  kept in ${k}` : ''));
      }
      if (res.mismatches.length) {
        failed++;
        const k = keep(o, dir, res);
        const dm = k ? join(k, `seed-${seed}.dogma.wasm`) : 'MODULE (use --keep DIR)';
        for (const m of res.mismatches) {
          console.log(`seed ${seed} (--strategy ${m.strategy}): ${m.why}`);
          console.log(`  reproduce: dogma-run --strategy ${m.strategy} --invoke-all ${dm}`);
        }
        console.log(`  oracle: wasm-opt ${k ? join(k, `seed-${seed}.wasm`) : 'MODULE'} ${FEATURES.join(' ')} --fuzz-exec-before`);
      }
      for (const f of [`seed-${seed}.bin`, `seed-${seed}.wasm`, `seed-${seed}.dogma.wasm`]) rmSync(join(dir, f), { force: true });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, worker));
  rmSync(dir, { recursive: true, force: true });
  const what = o.oracleOnly ? 'parsed (oracle only)' : `agreed (${o.strategies.join(', ')})`;
  console.log(`${done - failed - toolErrors}/${done} modules ${what}, seeds ${o.seed}..${o.seed + o.count - 1}; ` +
              `${calls} export calls, ${traps} traps in binaryen's runs`);
  process.exit(toolErrors ? 2 : failed ? 1 : 0);
}

main();
