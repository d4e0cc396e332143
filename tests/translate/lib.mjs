// lib.mjs: what run-cases.mjs and fuzz-exec.mjs share.
//
// - a reader for the few sections of a WebAssembly binary the harnesses
//   need (types, imports, functions, exports, code), kept as raw byte
//   ranges so that a module can be rewritten section by section;
// - value handling: argument and expectation literals to exact bits, bits
//   to WebAssembly text literals, and parsing of dogma-run's value lines;
// - running a tool with a time limit.
//
// Everything works on exact bits (BigInt) so that -0, NaN payloads and
// 64-bit integers survive; JavaScript numbers are used only where a value
// is known to be exactly representable.
import { spawnSync } from 'node:child_process';

// ---- LEB128 ------------------------------------------------------------------
export function readU32(buf, pos) {
  let result = 0n, shift = 0n, b;
  do {
    b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    shift += 7n;
  } while (b & 0x80);
  return [Number(result), pos];
}

export function leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function readName(buf, pos) {
  let len;
  [len, pos] = readU32(buf, pos);
  return [buf.subarray(pos, pos + len).toString('utf8'), pos + len];
}

const VALTYPES = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64',
                   0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

// ---- module reading ------------------------------------------------------------
// Returns { sections: [{id, start, end}] (payload ranges), types:
// [{params, results}], funcTypes: type index per function (imports
// first), nimportFuncs, exports: [{name, kind, index}] }.
export function readModule(buf) {
  if (buf.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm binary');
  const m = { sections: [], types: [], funcTypes: [], nimportFuncs: 0, exports: [] };
  let pos = 8;
  while (pos < buf.length) {
    const id = buf[pos++];
    let size;
    [size, pos] = readU32(buf, pos);
    m.sections.push({ id, start: pos, end: pos + size });
    if (id === 1) readTypes(buf, pos, m);
    else if (id === 2) readImports(buf, pos, m);
    else if (id === 3) readFuncs(buf, pos, m);
    else if (id === 7) readExports(buf, pos, m);
    pos += size;
  }
  return m;
}

function readTypes(buf, pos, m) {
  let n;
  [n, pos] = readU32(buf, pos);
  for (let i = 0; i < n; i++) {
    if (buf[pos++] !== 0x60) throw new Error('unexpected type form');
    const t = { params: [], results: [] };
    for (const list of [t.params, t.results]) {
      let k;
      [k, pos] = readU32(buf, pos);
      for (let j = 0; j < k; j++) list.push(VALTYPES[buf[pos++]] ?? '?');
    }
    m.types.push(t);
  }
}

function readImports(buf, pos, m) {
  let n;
  [n, pos] = readU32(buf, pos);
  for (let i = 0; i < n; i++) {
    [, pos] = readName(buf, pos);
    [, pos] = readName(buf, pos);
    const kind = buf[pos++];
    if (kind === 0) { // func: type index
      let t;
      [t, pos] = readU32(buf, pos);
      m.funcTypes.push(t);
      m.nimportFuncs++;
    } else if (kind === 1) { // table: reftype, limits
      pos++;
      pos = skipLimits(buf, pos);
    } else if (kind === 2) { // memory: limits
      pos = skipLimits(buf, pos);
    } else if (kind === 3) { // global: valtype, mut
      pos += 2;
    } else throw new Error('unexpected import kind ' + kind);
  }
}

function skipLimits(buf, pos) {
  const flags = buf[pos++];
  [, pos] = readU32(buf, pos);
  if (flags & 1) [, pos] = readU32(buf, pos);
  return pos;
}

function readFuncs(buf, pos, m) {
  let n;
  [n, pos] = readU32(buf, pos);
  for (let i = 0; i < n; i++) {
    let t;
    [t, pos] = readU32(buf, pos);
    m.funcTypes.push(t);
  }
}

function readExports(buf, pos, m) {
  let n;
  [n, pos] = readU32(buf, pos);
  for (let i = 0; i < n; i++) {
    let name, index;
    [name, pos] = readName(buf, pos);
    const kind = buf[pos++];
    [index, pos] = readU32(buf, pos);
    m.exports.push({ name, kind, index });
  }
}

// The type ({params, results}) of exported function `name`, or null.
export function exportType(m, name) {
  const e = m.exports.find((x) => x.kind === 0 && x.name === name);
  return e ? m.types[m.funcTypes[e.index]] : null;
}

// ---- floats as bits --------------------------------------------------------------
const F32 = { bits: 32, mant: 23n, exp: 8n, bias: 127n };
const F64 = { bits: 64, mant: 52n, exp: 11n, bias: 1023n };
export const FMT = { f32: F32, f64: F64 };

export function f64ToBits(x) {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return b.readBigUInt64LE();
}
export function bitsToF64(bits) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, bits));
  return b.readDoubleLE();
}
export function f32ToBits(x) {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return BigInt(b.readUInt32LE());
}
export function bitsToF32(bits) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(Number(BigInt.asUintN(32, bits)));
  return b.readFloatLE();
}

// A float literal as the exact bits of type t ('f32'/'f64'): what strtod
// (then a conversion to float, for f32) gives for the text, or `bits:0x..`.
// Accepts decimal, hex floats (0x1.8p3), inf/infinity, nan, nan:0xPAYLOAD
// (a WebAssembly-text extension, for expectations), each with a sign.
export function floatBits(text, t) {
  const f = FMT[t];
  if (text.startsWith('bits:')) return BigInt.asUintN(f.bits, BigInt(text.slice(5)));
  let s = text, neg = false;
  if (s[0] === '+' || s[0] === '-') { neg = s[0] === '-'; s = s.slice(1); }
  const sign = neg ? 1n << BigInt(f.bits - 1) : 0n;
  const expAll = ((1n << f.exp) - 1n) << f.mant;
  const low = s.toLowerCase();
  if (low === 'inf' || low === 'infinity') return sign | expAll;
  if (low === 'nan') return sign | expAll | (1n << (f.mant - 1n));
  if (low.startsWith('nan:0x')) return sign | expAll | BigInt(low.slice(4));
  let v;
  if (low.startsWith('0x')) v = parseHexFloat(low);
  else {
    if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(low)) throw new Error(`bad float '${text}'`);
    v = Number(low);
  }
  if (neg) v = -v;
  return t === 'f32' ? f32ToBits(Math.fround(v)) : f64ToBits(v);
}

// 0xH.HHHpE, rounded to a double (correctly: the mantissa is exact in a
// BigInt, one rounding at the end; inputs here are short).
function parseHexFloat(s) {
  const m = /^0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([+-]?\d+))?$/.exec(s);
  if (!m || (m[1] === '' && m[2] === '')) throw new Error(`bad hex float '${s}'`);
  const mant = BigInt('0x' + (m[1] + m[2] || '0'));
  const exp = Number(m[3] ?? 0) - 4 * m[2].length;
  return Number(mant) * 2 ** exp; // exact when mant < 2^53 (true for our literals)
}

export function isNaNBits(bits, t) {
  const f = FMT[t];
  const expAll = ((1n << f.exp) - 1n) << f.mant;
  return (bits & expAll) === expAll && (bits & ((1n << f.mant) - 1n)) !== 0n;
}

// Exact WebAssembly text for a float given by its bits.
export function bitsToWat(bits, t) {
  const f = FMT[t];
  const sign = (bits >> BigInt(f.bits - 1)) & 1n ? '-' : '';
  const e = (bits >> f.mant) & ((1n << f.exp) - 1n);
  const mant = bits & ((1n << f.mant) - 1n);
  const hexDigits = Number((f.mant + 3n) / 4n); // 6 for f32, 13 for f64
  const shift = BigInt(hexDigits * 4) - f.mant; // align the fraction to nibbles
  const frac = (mant << shift).toString(16).padStart(hexDigits, '0');
  if (e === (1n << f.exp) - 1n) return mant ? `${sign}nan:0x${mant.toString(16)}` : `${sign}inf`;
  if (e === 0n) return `${sign}0x0.${frac}p${1n - f.bias}`;
  return `${sign}0x1.${frac}p${e - f.bias}`;
}

// ---- integers -------------------------------------------------------------------------
// Decimal (signed or unsigned range) or 0x hex, to the two's complement
// bits of a `width`-bit integer; throws when out of range.
export function intBits(text, width) {
  let v;
  try { v = BigInt(text.replace(/_/g, '')); } catch { v = null; }
  if (text.startsWith('-0x')) v = -BigInt(text.slice(1));
  const w = BigInt(width);
  if (v === null || v < -(1n << (w - 1n)) || v >= 1n << w) throw new Error(`bad i${width} '${text}'`);
  return BigInt.asUintN(width, v);
}

export const signed = (bits, width) => BigInt.asIntN(width, bits);

// ---- dogma-run's value lines ------------------------------------------------------------
// `i32:-5`, `f32:1.5 (0x3fc00000)`, `funcref:null`, ... to {type, bits}
// (bits: BigInt, or null for a null reference, or the index for funcref).
export function parseValueLine(line) {
  let m = /^(i32|i64):(-?\d+)$/.exec(line);
  if (m) return { type: m[1], bits: BigInt.asUintN(m[1] === 'i32' ? 32 : 64, BigInt(m[2])) };
  m = /^(f32|f64):(\S+) \(0x([0-9a-f]+)\)$/.exec(line);
  if (m && m[3].length === (m[1] === 'f32' ? 8 : 16)) return { type: m[1], bits: BigInt('0x' + m[3]), text: m[2] };
  m = /^(funcref|externref):(null|\d+)$/.exec(line);
  if (m) return { type: m[1], bits: m[2] === 'null' ? null : BigInt(m[2]) };
  return null;
}

// ---- running tools -------------------------------------------------------------------------
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20,
                                   timeout: opts.timeout ?? 60000, ...opts });
  if (r.error && r.error.code === 'ENOENT') throw new Error(`cannot run ${cmd}: not found`);
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '',
           timedOut: r.error?.code === 'ETIMEDOUT' };
}
