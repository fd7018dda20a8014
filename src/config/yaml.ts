import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Document,
  type Node as YamlNode,
  type Scalar,
  type ParseOptions,
  type DocumentOptions,
  type SchemaOptions,
  type ToJSOptions,
} from 'yaml';
import { UserError, type SourcePos } from '../model/source.js';

/** Positions of a mapping and of each of its keys, found by object identity. */
export interface MapPositions {
  pos: SourcePos;
  keys: Map<string, SourcePos>;
  /**
   * Where the text of each scalar value starts (after an opening quote; the first content line of
   * a block scalar), so that an error inside a templated value can name its own column.
   */
  values?: Map<string, SourcePos>;
}

/** Where the value of `key` in a mapping of `src` starts: its text for a scalar, else the key. */
export function valuePosOf(src: { positions: WeakMap<object, MapPositions> }, obj: unknown, key: string): SourcePos | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const p = src.positions.get(obj);
  return p?.values?.get(key) ?? p?.keys.get(key);
}

/** A parsed YAML file: its value, and where each mapping/sequence and key came from. */
export interface YamlFile {
  file: string;
  value: unknown;
  positions: WeakMap<object, MapPositions>;
}

export function posOf(src: { positions: WeakMap<object, MapPositions> }, obj: unknown, key?: string): SourcePos | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const p = src.positions.get(obj);
  if (!p) return undefined;
  return (key !== undefined && p.keys.get(key)) || p.pos;
}

// Ansible reads YAML 1.1 through PyYAML: yes/no/on/off are booleans (but not y/n) and 0644 is
// octal. Timestamps, sets and sexagesimal numbers stay strings: they surprise more than help.
const TRUE_WORDS = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const FALSE_WORDS = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const DROPPED = ['timestamp', 'binary', 'omap', 'pairs', 'set'].map((t) => `tag:yaml.org,2002:${t}`);

type Tag = { tag: string; test?: RegExp; [k: string]: unknown };
// PyYAML's resolvers where the yaml package's 1.1 ones are wider: a float needs a dot (`7e10` is a
// string) and a signed exponent; a decimal int has no leading zero (`08` is a string).
const PYYAML_NUMBERS: Record<string, RegExp> = {
  'int:': /^[-+]?(?:0|[1-9][0-9_]*)$/,
  'float:EXP': /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)[eE][-+][0-9]+$/,
  'float:': /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$/,
};
const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  merge: true,
  uniqueKeys: true,
  prettyErrors: true,
  customTags: (tags) =>
    (tags as unknown as Tag[])
      .filter((t) => !DROPPED.includes(t.tag) && !(t.test && /:\[0-5\]/.test(t.test.source)))
      .map((t) => {
        if (t.tag === 'tag:yaml.org,2002:bool' && t.test) return { ...t, test: t.test.test('Y') ? TRUE_WORDS : FALSE_WORDS };
        const pyyaml = t.test && !/inf|nan/i.test(t.test.source) ? PYYAML_NUMBERS[`${t.tag.slice(18)}:${String(t['format'] ?? '')}`] : undefined;
        return pyyaml ? { ...t, test: pyyaml } : t;
      }) as never,
};
const TO_JS: ToJSOptions = { maxAliasCount: 1000 };

/**
 * Bounds against hostile input: a playbook is small; anything this large is a mistake. Parsing
 * with positions takes ~90 bytes of memory per byte of YAML (measured: 2 MB → 260 MB and 4 s,
 * 9.5 MB → 940 MB and 14 s on the 2-core benchmark machine), so the bound keeps a run within
 * what a Raspberry Pi controller has.
 */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;

export async function loadYamlFile(file: string): Promise<YamlFile> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new UserError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseYaml(buf, file);
}

/** Synchronous form, for static imports resolved while a playbook is parsed. */
export function loadYamlFileSync(file: string): YamlFile {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new UserError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseYaml(buf, file);
}

/**
 * Where the duplicate key reported from `from` starts. The yaml library reports where it was
 * when it noticed, which is the end of the previous value: a line too early when that value is empty.
 */
function duplicateKeyAt(doc: Document, from: number): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        const start = (pair.key as YamlNode | null)?.range?.[0];
        if (seen.has(key) && start !== undefined && start >= from && (found === undefined || start < found)) found = start;
        seen.add(key);
      }
    },
  });
  return found;
}

/** Offset of a scalar's first character of content: past an opening quote, or the block header's line. */
function scalarTextStart(text: string, node: Scalar): number {
  const start = node.range![0];
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return start + 1;
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return start;
    let i = nl + 1;
    while (text[i] === ' ') i++;
    return i;
  }
  return start;
}

export function parseYaml(input: Buffer | string, file: string): YamlFile {
  const buf = typeof input === 'string' ? Buffer.from(input) : input;
  const at = (line: number, col: number): SourcePos => ({ file, line, col });
  if (buf.length > MAX_YAML_BYTES) {
    throw new UserError(`file is ${(buf.length / 1048576).toFixed(1)} MB; YAML files over ${MAX_YAML_BYTES / 1048576} MB are refused`, at(1, 1));
  }
  if (buf.includes(0)) throw new UserError('binary file (contains NUL bytes), expected YAML text', at(1, 1));
  const text = buf.toString('utf8');
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...OPTIONS, lineCounter });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const dup = err.code === 'DUPLICATE_KEY' ? duplicateKeyAt(doc, err.pos[0]) : undefined;
      const p = dup !== undefined ? lineCounter.linePos(dup) : err.linePos?.[0];
      const reason = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new UserError(`YAML syntax error: ${reason}`, at(p?.line ?? 1, p?.col ?? 1));
    }
  }
  if (list.length > 1) throw new UserError('several YAML documents in one file; expected one', at(1, 1));
  const doc = list[0] as Document | undefined;
  const positions = new WeakMap<object, MapPositions>();
  if (!doc || doc.contents === null) return { file, value: null, positions };
  let value: unknown;
  try {
    value = doc.toJS(TO_JS);
  } catch (e) {
    throw new UserError(`YAML error: ${(e as Error).message}`, at(1, 1));
  }
  const posAt = (offset: number | undefined): SourcePos => {
    const lc = lineCounter.linePos(offset ?? 0);
    return at(lc.line, lc.col);
  };
  // Walk the syntax tree beside the JS value to remember where each mapping and key was.
  const walk = (node: YamlNode | null | undefined, js: unknown, depth: number): void => {
    if (!node || depth > 200 || typeof js !== 'object' || js === null) return;
    if (isAlias(node)) return walk(node.resolve(doc) as YamlNode, js, depth + 1);
    if (positions.has(js)) return;
    if (isMap(node)) {
      const keys = new Map<string, SourcePos>();
      const values = new Map<string, SourcePos>();
      positions.set(js, { pos: posAt(node.range?.[0]), keys, values });
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (k === undefined) continue;
        keys.set(k, posAt((pair.key as YamlNode).range?.[0]));
        // Only strings are rendered, so only theirs are ever asked for (valuePosOf).
        if (isScalar(pair.value) && typeof pair.value.value === 'string' && pair.value.range) values.set(k, posAt(scalarTextStart(text, pair.value)));
        walk(pair.value as YamlNode, (js as Record<string, unknown>)[k], depth + 1);
      }
    } else if (isSeq(node)) {
      // Items are keyed by index, so that scalars in a list (role names, hosts) have a position.
      const keys = new Map<string, SourcePos>();
      positions.set(js, { pos: posAt(node.range?.[0]), keys });
      node.items.forEach((item, i) => {
        keys.set(String(i), posAt((item as YamlNode).range?.[0]));
        walk(item as YamlNode, (js as unknown[])[i], depth + 1);
      });
    }
  };
  walk(doc.contents as YamlNode, value, 0);
  return { file, value, positions };
}
