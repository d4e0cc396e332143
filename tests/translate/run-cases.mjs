// run-cases.mjs: checks the expectations written in tests/translate/cases/
// against wabt's interpreter (the oracle) or against dogma-run.
//
//   node run-cases.mjs --oracle [options] [CASE.wat...]
//   node run-cases.mjs --dogma-run PATH --strategy guard|checked [options] [CASE.wat...]
//
// Each case file is assembled once with wat2wasm. Each directive (README.md
// gives the syntax) is one fresh instantiation and one call, the same for
// both judges:
//   - the oracle gets a generated .wast script in which every directive is
//     `(module binary ...)` followed by an assert_return / assert_trap,
//     converted by wast2json and run by spectest-interp. spectest-interp
//     does not compare trap messages, but reports the one it saw
//     ("assert_trap passed: <message>"), and the harness maps wabt's message
//     to the expected kind (WABT_TRAPS below);
//   - dogma-run is run once per directive: `--strategy S --invoke F
//     MODULE.wasm ARGS...`, and its stdout (value lines), exit status (0,
//     134 on a trap) and first stderr line (`trap: <kind> in ...`) are
//     checked.
// A directive marked `(no-oracle: reason)` is skipped in oracle mode.
// Prints one line per failed directive and a summary; exits 1 when any
// directive fails, 2 on a usage or tool error.
import { readFileSync, readdirSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  readModule, exportType, floatBits, intBits, signed, bitsToWat, isNaNBits,
  parseValueLine, run, FMT,
} from './lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

// The trap kinds of dogma-run, and the message wabt 1.0.32 gives for each.
const WABT_TRAPS = {
  'unreachable': /^unreachable executed$/,
  'out of bounds memory access': /^(out of bounds memory access|memory\.(fill|copy|init) out of bounds)/,
  'integer divide by zero': /^integer divide by zero$/,
  'integer overflow': /^integer overflow$/,
  'invalid conversion to integer': /^invalid conversion to integer$/,
  'undefined element': /^undefined table index$/,
  'uninitialized element': /^uninitialized table element$/,
  'indirect call type mismatch': /^indirect call signature mismatch$/,
  'call stack exhausted': /^call stack exhausted$/,
  'out of bounds table access': /^(out of bounds table access|table\.(fill|copy|init) out of bounds)/,
};

// ---- options -------------------------------------------------------------------
function usage(msg) {
  if (msg) process.stderr.write(`run-cases: ${msg}\n`);
  process.stderr.write(
    'usage: run-cases.mjs (--oracle | --dogma-run PATH --strategy guard|checked)\n' +
    '         [--work DIR] [--cases DIR] [--wat2wasm P] [--wast2json P]\n' +
    '         [--spectest-interp P] [--wasm-interp P] [-v] [CASE.wat...]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { oracle: false, dogmaRun: null, strategy: null, work: null, verbose: false,
              cases: join(HERE, 'cases'), files: [], wat2wasm: 'wat2wasm',
              wast2json: 'wast2json', spectest: 'spectest-interp', wasmInterp: 'wasm-interp' };
  const val = { '--dogma-run': 'dogmaRun', '--strategy': 'strategy', '--work': 'work',
                '--cases': 'cases', '--wat2wasm': 'wat2wasm', '--wast2json': 'wast2json',
                '--spectest-interp': 'spectest', '--wasm-interp': 'wasmInterp' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--oracle') o.oracle = true;
    else if (a === '-v') o.verbose = true;
    else if (val[a]) {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      o[val[a]] = argv[++i];
    } else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else o.files.push(resolve(a));
  }
  if (o.oracle === (o.dogmaRun !== null)) usage('give exactly one of --oracle and --dogma-run');
  if (o.dogmaRun && !['guard', 'checked'].includes(o.strategy)) usage('--strategy guard|checked');
  if (o.files.length === 0) {
    o.files = readdirSync(o.cases).filter((f) => f.endsWith('.wat')).sort()
      .map((f) => join(o.cases, f));
  }
  return o;
}

// ---- directives --------------------------------------------------------------------
// `;; invoke NAME ARG... => RESULT...` or `;; invoke NAME ARG... => trap KIND`
// or `;; instantiate => trap KIND`, optionally ending in
// `(no-oracle: reason)`.
function parseDirectives(text, file) {
  const out = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\s*;;\s*(invoke|instantiate)\b(.*)$/.exec(line);
    if (!m) return;
    const where = `${basename(file)}:${i + 1}`;
    let rest = m[2];
    let noOracle = null;
    const no = /\(no-oracle:\s*([^)]*)\)\s*$/.exec(rest);
    if (no) { noOracle = no[1]; rest = rest.slice(0, no.index); }
    const parts = rest.split('=>');
    if (parts.length !== 2) throw new Error(`${where}: directive needs exactly one '=>'`);
    const lhs = parts[0].trim().split(/\s+/).filter(Boolean);
    const rhs = parts[1].trim();
    const d = { where, line: i + 1, kind: m[1], noOracle, name: null, args: [] };
    if (m[1] === 'invoke') {
      if (lhs.length === 0) throw new Error(`${where}: invoke needs a function name`);
      [d.name, ...d.args] = lhs;
    } else if (lhs.length !== 0) throw new Error(`${where}: instantiate takes no arguments`);
    const trap = /^trap\s+(.+)$/.exec(rhs);
    if (trap) {
      if (!WABT_TRAPS[trap[1]]) throw new Error(`${where}: unknown trap kind '${trap[1]}'`);
      d.trap = trap[1];
    } else if (m[1] === 'instantiate') {
      throw new Error(`${where}: instantiate expects a trap`);
    } else {
      d.results = rhs === '' ? [] : rhs.split(/\s+/);
    }
    out.push(d);
  });
  return out;
}

// Checks a directive against the module's export and turns its literals
// into exact bits: d.argv (values with their types), d.expect.
function resolveDirective(d, mod) {
  if (d.kind === 'instantiate') return;
  const t = exportType(mod, d.name);
  if (!t) throw new Error(`${d.where}: no exported function '${d.name}'`);
  if (t.params.length !== d.args.length) {
    throw new Error(`${d.where}: ${d.name} takes ${t.params.length} arguments, ${d.args.length} given`);
  }
  d.argv = d.args.map((a, i) => argValue(a, t.params[i], d.where));
  if (d.trap) return;
  if (t.results.length !== d.results.length) {
    throw new Error(`${d.where}: ${d.name} returns ${t.results.length} values, ${d.results.length} expected`);
  }
  d.expect = d.results.map((r, i) => expectValue(r, t.results[i], d.where));
}

function argValue(text, type, where) {
  try {
    if (type === 'i32' || type === 'i64') return { type, bits: intBits(text, type === 'i32' ? 32 : 64), text };
    if (type === 'f32' || type === 'f64') {
      const bits = floatBits(text, type);
      // strtod has no nan:0x..; give dogma-run those as exact bits
      const dtext = /nan:/i.test(text) ? `bits:0x${bits.toString(16)}` : text;
      return { type, bits, text: dtext };
    }
  } catch (e) { throw new Error(`${where}: ${e.message}`); }
  throw new Error(`${where}: cannot pass a ${type} argument`);
}

// RESULT: TYPE:VALUE where VALUE is an integer, a float literal, bits:0x..,
// nan (any NaN), nan:canonical, nan:arithmetic, or null / an index for
// references.
function expectValue(text, type, where) {
  const m = /^(i32|i64|f32|f64|funcref|externref):(.+)$/.exec(text);
  if (!m) throw new Error(`${where}: bad result '${text}'`);
  if (m[1] !== type) throw new Error(`${where}: result '${text}' but the function returns ${type}`);
  const v = m[2];
  try {
    if (type === 'i32' || type === 'i64') return { type, bits: intBits(v, type === 'i32' ? 32 : 64) };
    if (type === 'f32' || type === 'f64') {
      if (v === 'nan' || v === 'nan:canonical' || v === 'nan:arithmetic') return { type, nan: v };
      return { type, bits: floatBits(v, type) };
    }
    if (v === 'null') return { type, bits: null };
    return { type, bits: BigInt(v) };
  } catch (e) { throw new Error(`${where}: ${e.message}`); }
}

function showValue(e) {
  if (e.nan) return `${e.type}:${e.nan}`;
  if (e.bits === null) return `${e.type}:null`;
  if (e.type === 'i32' || e.type === 'i64') return `${e.type}:${signed(e.bits, e.type === 'i32' ? 32 : 64)}`;
  if (e.type === 'f32' || e.type === 'f64') return `${e.type}:${bitsToWat(e.bits, e.type)}`;
  return `${e.type}:${e.bits}`;
}

// ---- the oracle: wast2json + spectest-interp ------------------------------------------
function watConst(v) {
  if (v.type === 'i32' || v.type === 'i64') return `(${v.type}.const ${signed(v.bits, v.type === 'i32' ? 32 : 64)})`;
  if (v.type === 'f32' || v.type === 'f64') {
    if (v.nan) return `(${v.type}.const ${v.nan === 'nan' ? 'nan:arithmetic' : v.nan})`;
    return `(${v.type}.const ${bitsToWat(v.bits, v.type)})`;
  }
  if (v.bits === null) return `(ref.null ${v.type === 'funcref' ? 'func' : 'extern'})`;
  throw new Error(`the oracle cannot check ${showValue(v)}`);
}

function wastModule(wasm) {
  let s = '';
  for (const b of wasm) s += '\\' + b.toString(16).padStart(2, '0');
  return `(module binary "${s}")`;
}

// Runs the file's directives through spectest-interp; returns failures.
function oracleFile(o, file, wasmPath, wasm, directives) {
  const lines = [];
  const byLine = new Map();
  const modText = wastModule(wasm);
  const live = directives.filter((d) => !d.noOracle);
  const fails = new Map();
  for (const d of live) {
    if (d.kind === 'instantiate') {
      // spectest-interp does not say which trap a module's start function
      // hit; wasm-interp, which only instantiates, does
      const r = run(o.wasmInterp, ['--disable-simd', wasmPath]);
      const m = /^error initializing module: (.*)$/m.exec(r.stderr + r.stdout);
      if (!m) fails.set(d, `wasm-interp did not trap (exit ${r.status})`);
      else if (!WABT_TRAPS[d.trap].test(m[1])) fails.set(d, `trapped with wabt's "${m[1]}", not ${d.trap}`);
      continue;
    }
    byLine.set(lines.length + 1, d);
    lines.push(modText);
    const call = `(invoke "${d.name}" ${d.argv.map(watConst).join(' ')})`;
    byLine.set(lines.length + 1, d);
    if (d.trap) lines.push(`(assert_trap ${call} "${d.trap}")`);
    else lines.push(`(assert_return ${call} ${d.expect.map(watConst).join(' ')})`);
  }
  if (lines.length === 0) return { failures: [...fails].map(([d, why]) => `${d.where}: ${describe(d)}: ${why}`), checked: live.length };
  const stem = join(o.work, basename(file, '.wat'));
  writeFileSync(`${stem}.wast`, lines.join('\n') + '\n');
  let r = run(o.wast2json, ['--disable-simd', `${stem}.wast`, '-o', `${stem}.json`]);
  if (r.status !== 0) throw new Error(`wast2json ${stem}.wast failed:\n${r.stderr}`);
  // wast2json 1.0.32 leaves out the comma between the expected types of
  // an assert_trap (or a bare action) on a function with several results
  const json = readFileSync(`${stem}.json`, 'utf8');
  writeFileSync(`${stem}.json`, json.replace(/\}\{"type"/g, '}, {"type"'));
  // -C/-V: room for the deep recursion cases (calls.wat); the call stack
  // exhaustion cases recurse without bound and still reach the limit.
  r = run(o.spectest, ['--disable-simd', '-C', '400000', '-V', '4000000', `${stem}.json`],
          { timeout: 300000 });
  if (r.timedOut) throw new Error(`spectest-interp ${stem}.json timed out`);
  if (!/^\d+\/\d+ tests passed\.$/m.test(r.stdout)) {
    throw new Error(`spectest-interp ${stem}.json failed:\n${r.stdout}${r.stderr}`);
  }
  const trapsSeen = new Map();
  for (const l of (r.stdout + r.stderr).split('\n')) {
    const m = /^[^:]*\.wast:(\d+): (.*)$/.exec(l);
    if (!m) continue;
    const d = byLine.get(Number(m[1]));
    if (!d) continue;
    const passed = /^assert_trap passed: (.*)$/.exec(m[2]);
    if (passed) trapsSeen.set(d, passed[1]);
    else fails.set(d, m[2]);
  }
  for (const d of live) {
    if (fails.has(d) || !d.trap || d.kind === 'instantiate') continue;
    const msg = trapsSeen.get(d);
    if (msg === undefined) fails.set(d, 'no trap reported');
    else if (!WABT_TRAPS[d.trap].test(msg)) fails.set(d, `trapped with wabt's "${msg}", not ${d.trap}`);
  }
  return { failures: [...fails].map(([d, why]) => `${d.where}: ${describe(d)}: ${why}`),
           checked: live.length };
}

function describe(d) {
  if (d.kind === 'instantiate') return `instantiate => trap ${d.trap}`;
  const rhs = d.trap ? `trap ${d.trap}` : d.results.join(' ');
  return `invoke ${[d.name, ...d.args].join(' ')} => ${rhs}`;
}

// ---- dogma-run ------------------------------------------------------------------------
function matches(e, got) {
  if (!got || got.type !== e.type) return false;
  if (e.nan) {
    if (!isNaNBits(got.bits, e.type)) return false;
    const f = FMT[e.type];
    const quiet = 1n << (f.mant - 1n);
    const payload = got.bits & ((1n << f.mant) - 1n);
    if (e.nan === 'nan:canonical') return payload === quiet;
    if (e.nan === 'nan:arithmetic') return (payload & quiet) !== 0n;
    return true;
  }
  return got.bits === e.bits;
}

function dogmaDirective(o, wasmPath, mod, d) {
  let name = d.name;
  if (d.kind === 'instantiate') { // any exported function: the start function traps first
    const e = mod.exports.find((x) => x.kind === 0);
    if (!e) return 'instantiate needs a module with an exported function';
    name = e.name;
  }
  const args = ['--strategy', o.strategy, '--invoke', name, wasmPath, ...(d.argv ?? []).map((a) => a.text)];
  const r = run(o.dogmaRun, args, { timeout: 60000 });
  const shown = () => `exit ${r.signal ?? r.status}, stdout ${JSON.stringify(r.stdout.trim())}, ` +
                      `stderr ${JSON.stringify(r.stderr.split('\n')[0])}`;
  if (r.timedOut) return 'timed out after 60 s';
  if (d.trap) {
    const first = r.stderr.split('\n')[0];
    const m = /^trap: (.+) in \S+\+0x[0-9a-f]+$/.exec(first);
    if (r.status !== 134 || !m || m[1] !== d.trap) return `expected trap ${d.trap}; got ${shown()}`;
    return null;
  }
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  const ok = r.status === 0 && lines.length === d.expect.length &&
             d.expect.every((e, i) => matches(e, parseValueLine(lines[i])) &&
                                      intTextOk(e, lines[i]));
  return ok ? null : `expected ${d.expect.map(showValue).join(' ') || '(nothing)'}; got ${shown()}`;
}

// Integers must be printed as signed decimal.
function intTextOk(e, line) {
  if (e.type !== 'i32' && e.type !== 'i64') return true;
  return line === `${e.type}:${signed(e.bits, e.type === 'i32' ? 32 : 64)}`;
}

// ---- main ------------------------------------------------------------------------------
function main() {
  const o = parseArgs(process.argv.slice(2));
  // the work directory keeps the assembled modules and the oracle's
  // scripts; a temporary one goes away at the end
  const temp = o.work === null;
  if (temp) o.work = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'dogma-translate-'));
  else mkdirSync(o.work, { recursive: true });
  let total = 0, skipped = 0, failed = 0, badFiles = 0;
  for (const file of o.files) {
    const wasmPath = join(o.work, basename(file, '.wat') + '.wasm');
    const r = run(o.wat2wasm, ['--disable-simd', file, '-o', wasmPath]);
    if (r.status !== 0) {
      console.log(`${basename(file)}: wat2wasm failed:\n${r.stderr}`);
      badFiles++;
      continue;
    }
    const wasm = readFileSync(wasmPath);
    const mod = readModule(wasm);
    let directives;
    try {
      directives = parseDirectives(readFileSync(file, 'utf8'), file);
      directives.forEach((d) => resolveDirective(d, mod));
    } catch (e) {
      console.log(e.message);
      badFiles++;
      continue;
    }
    if (directives.length === 0) console.log(`${basename(file)}: no directives`);
    let fails;
    if (o.oracle) {
      const res = oracleFile(o, file, wasmPath, wasm, directives);
      fails = res.failures;
      skipped += directives.length - res.checked;
      total += res.checked;
    } else {
      fails = [];
      for (const d of directives) {
        const why = dogmaDirective(o, wasmPath, mod, d);
        if (why) fails.push(`${d.where}: ${describe(d)}: ${why}`);
      }
      total += directives.length;
    }
    fails.forEach((f) => console.log(f));
    failed += fails.length;
    if (o.verbose) console.log(`${basename(file)}: ${directives.length} directives, ${fails.length} failed`);
  }
  const judge = o.oracle ? 'wabt spectest-interp' : `dogma-run --strategy ${o.strategy}`;
  console.log(`${total - failed}/${total} directives passed under ${judge}` +
              (skipped ? ` (${skipped} marked no-oracle, skipped)` : '') +
              ` in ${o.files.length} case files` +
              (badFiles ? `; ${badFiles} case files could not be read` : ''));
  if (temp) rmSync(o.work, { recursive: true, force: true });
  process.exit(failed || badFiles ? 1 : 0);
}

try {
  main();
} catch (e) {
  process.stderr.write(`run-cases: ${e.message}\n`);
  process.exit(2);
}
