#!/usr/bin/env node
// node-run.mjs: a stand-in for dogma-run on node's WebAssembly (V8), with
// the same command line and output format, to test run-cases.mjs and
// fuzz-exec.mjs in their dogma-run modes before dogma-run exists (and as a
// second opinion when a case is disputed). --strategy is accepted and
// ignored.
//
//   node node-run.mjs [--strategy S] --invoke FUNC MODULE.wasm [ARGS...]
//   node node-run.mjs [--strategy S] --invoke-all MODULE.wasm
//
// Known differences from dogma-run, from what JavaScript can see: NaN
// payloads of f32/f64 values crossing into JavaScript are lost (printed as
// the canonical NaN); V8 uses one message for several trap kinds (a
// float-to-int trap is reported as "integer overflow" even for NaN, a
// table index beyond the table as "undefined element" even for table.get,
// and a null entry and a type mismatch as "indirect call type mismatch");
// traps report no function offset (+0x0).
import { readFileSync } from 'node:fs';
import { readModule, exportType, floatBits, intBits, f32ToBits, f64ToBits, signed } from './lib.mjs';

const V8_TRAPS = [
  [/^unreachable/, 'unreachable'],
  [/memory access out of bounds|data segment/, 'out of bounds memory access'],
  [/by zero/, 'integer divide by zero'],
  [/divide result unrepresentable|float unrepresentable/, 'integer overflow'],
  [/table index is out of bounds/, 'undefined element'],
  [/table access|element segment/, 'out of bounds table access'],
  [/null function|signature mismatch/, 'indirect call type mismatch'],
  [/Maximum call stack size exceeded/, 'call stack exhausted'],
];
const trapKind = (e) => (V8_TRAPS.find(([re]) => re.test(e.message)) ?? [null, `host error (${e.message})`])[1];

function fmt(type, v) {
  switch (type) {
    case 'i32': return `i32:${v | 0}`;
    case 'i64': return `i64:${BigInt.asIntN(64, v)}`;
    case 'f32': return `f32:${Number.isNaN(v) ? 'nan' : v} (0x${f32ToBits(v).toString(16).padStart(8, '0')})`;
    case 'f64': return `f64:${Number.isNaN(v) ? 'nan' : v} (0x${f64ToBits(v).toString(16).padStart(16, '0')})`;
    default: return `${type}:${v === null ? 'null' : '?'}`;
  }
}

function argValue(type, text) {
  if (type === 'i32') return Number(signed(intBits(text, 32), 32));
  if (type === 'i64') return signed(intBits(text, 64), 64);
  const bits = floatBits(text, type);
  const b = Buffer.alloc(8);
  if (type === 'f32') { b.writeUInt32LE(Number(bits)); return b.readFloatLE(); }
  b.writeBigUInt64LE(bits);
  return b.readDoubleLE();
}

const zero = (t) => (t === 'i64' ? 0n : t === 'funcref' || t === 'externref' ? null : 0);
const print = (s) => process.stdout.write(s + '\n');

function callAndPrint(inst, mod, name, args) {
  const t = exportType(mod, name);
  let r = inst.exports[name](...args);
  if (t.results.length === 1) r = [r];
  else if (t.results.length === 0) r = [];
  t.results.forEach((rt, i) => print(fmt(rt, r[i])));
}

function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--strategy') argv.splice(0, 2);
  const all = argv[0] === '--invoke-all';
  if (!all && argv[0] !== '--invoke') { process.stderr.write('usage: node-run.mjs [--strategy S] (--invoke F | --invoke-all) MODULE [ARGS]\n'); process.exit(2); }
  const [func, file, ...args] = all ? [null, ...argv.slice(1)] : argv.slice(1);
  let buf, mod, wmod;
  try {
    buf = readFileSync(file);
    mod = readModule(buf);
    wmod = new WebAssembly.Module(buf);
  } catch (e) { process.stderr.write(`node-run: ${file}: ${e.message}\n`); process.exit(1); }
  const log = (t) => (v) => print(`log: ${fmt(t, v)}`);
  const imports = { 'fuzzing-support': { 'log-i32': log('i32'), 'log-i64': log('i64'), 'log-f32': log('f32'), 'log-f64': log('f64') } };
  let inst;
  try { inst = new WebAssembly.Instance(wmod, imports); } catch (e) {
    if (e instanceof WebAssembly.LinkError || e instanceof WebAssembly.CompileError) { process.stderr.write(`node-run: ${e.message}\n`); process.exit(1); }
    process.stderr.write(`trap: ${trapKind(e)} in start+0x0\n`);
    process.exit(134);
  }
  if (all) {
    for (const e of mod.exports.filter((x) => x.kind === 0)) {
      print(`call ${e.name}`);
      try { callAndPrint(inst, mod, e.name, exportType(mod, e.name).params.map(zero)); } catch (err) { print(`trap: ${trapKind(err)}`); }
    }
    return;
  }
  const t = exportType(mod, func);
  if (!t || t.params.length !== args.length) { process.stderr.write(`node-run: bad export or arguments\n`); process.exit(2); }
  try { callAndPrint(inst, mod, func, t.params.map((pt, i) => argValue(pt, args[i]))); } catch (e) {
    process.stderr.write(`trap: ${trapKind(e)} in ${func}+0x0\n`);
    process.exit(134);
  }
}

main();
