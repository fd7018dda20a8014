import { isIPv6 } from 'node:net';
import { ShlexError, shlexSplitTokens } from '../modules/lib-cmd/shlex.js';
import { InventoryError, type Inventory, type InventoryGroup, type InventoryHost } from './types.js';

export { InventoryError } from './types.js';
export type { Inventory, InventoryGroup, InventoryHost } from './types.js';

/** Thrown inside helpers with a column relative to what they were given; re-thrown with the line. */
class LocalError extends Error {
  constructor(
    message: string,
    readonly col = 0,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Values. Host-line values go through Python's ast.literal_eval in Ansible; this is that subset
// (plus JSON's true/false/null). Anything that does not parse stays the string it was.

const IDENTS: Record<string, unknown> = { True: true, False: false, None: null, true: true, false: false, null: null };
const NUMBER =
  /(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?)/y;
const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

class Literal {
  private i = 0;
  constructor(private readonly s: string) {}

  static parse(s: string): { value: unknown } | undefined {
    try {
      return { value: new Literal(s).top() };
    } catch {
      return undefined;
    }
  }

  private fail(): never {
    throw new Error('not a literal');
  }
  private ws(): void {
    while (this.i < this.s.length && ' \t\r\n\f\v'.includes(this.s[this.i]!)) this.i++;
  }
  private eat(c: string): boolean {
    this.ws();
    if (this.s[this.i] !== c) return false;
    this.i++;
    return true;
  }
  private end(): boolean {
    this.ws();
    return this.i >= this.s.length;
  }

  /** `1, 2` without brackets is a tuple, as in Python. */
  private top(): unknown {
    const first = this.expr();
    if (!this.eat(',')) return this.end() ? first : this.fail();
    const items = [first];
    while (!this.end()) {
      items.push(this.expr());
      if (!this.eat(',')) break;
    }
    return this.end() ? items : this.fail();
  }

  /** Items up to `close`, trailing comma allowed. */
  private seq(close: string, item: () => void): void {
    while (!this.eat(close)) {
      item();
      if (!this.eat(',')) return this.eat(close) ? undefined : this.fail();
    }
  }

  private expr(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) this.fail();
    if (c === '-' || c === '+') {
      this.i++;
      this.ws();
      const n = this.number() ?? this.fail();
      if (typeof n === 'string') return c === '-' ? `-${n}` : n;
      return c === '-' ? -n : n;
    }
    if (c === '[') {
      this.i++;
      const out: unknown[] = [];
      this.seq(']', () => out.push(this.expr()));
      return out;
    }
    if (c === '(') {
      this.i++;
      if (this.eat(')')) return [];
      const first = this.expr();
      if (this.eat(')')) return first; // parenthesised, not a tuple
      if (!this.eat(',')) this.fail();
      const out = [first];
      this.seq(')', () => out.push(this.expr()));
      return out;
    }
    if (c === '{') {
      this.i++;
      if (this.eat('}')) return {};
      const first = this.expr();
      if (this.eat(':')) {
        const entries: [string, unknown][] = [[key(first), this.expr()]];
        if (this.eat(',')) this.seq('}', () => {
          const k = this.expr();
          if (!this.eat(':')) this.fail();
          entries.push([key(k), this.expr()]);
        });
        else if (!this.eat('}')) this.fail();
        return Object.fromEntries(entries);
      }
      const out = [first]; // a set: a list is the closest plain-data shape
      if (this.eat(',')) this.seq('}', () => out.push(this.expr()));
      else if (!this.eat('}')) this.fail();
      return out;
    }
    const str = this.strings();
    if (str !== undefined) return str;
    const num = this.number();
    if (num !== undefined) return num;
    const id = /[A-Za-z_][A-Za-z0-9_]*/y;
    id.lastIndex = this.i;
    const m = id.exec(this.s);
    if (m && m[0] in IDENTS) {
      this.i += m[0].length;
      return IDENTS[m[0]];
    }
    return this.fail();
  }

  /** One or more adjacent string literals ('a' "b" → 'ab'), with r/u/b prefixes. */
  private strings(): string | undefined {
    let out: string | undefined;
    for (;;) {
      this.ws();
      const m = /([rRuUbB]|[bB][rR]|[rR][bB])?(['"])/y;
      m.lastIndex = this.i;
      const hit = m.exec(this.s);
      if (!hit) return out;
      this.i += hit[0].length;
      out = (out ?? '') + this.stringBody(hit[2]!, /r/i.test(hit[1] ?? ''));
    }
  }

  private stringBody(q: string, isRaw: boolean): string {
    let out = '';
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined || c === '\n') this.fail();
      if (c === q) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const n = this.s[this.i++] ?? this.fail();
      if (isRaw) {
        out += c + n;
      } else if (n in ESCAPES) {
        out += ESCAPES[n];
      } else if (/[0-7]/.test(n)) {
        const m = /[0-7]{0,2}/y;
        m.lastIndex = this.i;
        const more = m.exec(this.s)![0];
        this.i += more.length;
        out += String.fromCodePoint(parseInt(n + more, 8));
      } else if (n === 'x' || n === 'u' || n === 'U') {
        const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
        const h = this.s.slice(this.i, this.i + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(h)) this.fail();
        this.i += len;
        out += String.fromCodePoint(parseInt(h, 16));
      } else if (n === 'N') {
        this.fail(); // named escapes: not worth a Unicode name table
      } else {
        out += c + n; // Python keeps unknown escapes as written
      }
    }
  }

  /** A number, or its text when it is an integer too big for a JS number (no silent rounding). */
  private number(): number | string | undefined {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) return undefined;
    const text = m[0];
    if (/^[A-Za-z0-9_.]/.test(this.s.slice(this.i + text.length))) this.fail(); // 1j, 12abc, 1.2.3
    this.i += text.length;
    const digits = text.replace(/_/g, '');
    if (/^0[xob]/i.test(digits)) return safeInt(BigInt(digits), text);
    if (/[.eE]/.test(digits)) return Number(digits);
    if (/^0\d/.test(digits) && /[1-9]/.test(digits)) this.fail(); // Python 3 rejects 0123
    return safeInt(BigInt(digits), text);
  }
}

function safeInt(n: bigint, text: string): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : text;
}

function key(k: unknown): string {
  if (k !== null && typeof k === 'object') return JSON.stringify(k);
  return String(k);
}

/** Parse a host-line value as Ansible does (ast.literal_eval, else the string itself). */
export function parseIniValue(text: string): unknown {
  const r = Literal.parse(text.replace(/^[ \t]+/, '')); // literal_eval ignores leading blanks
  return r ? r.value : text;
}

/** `:vars` values are strings (Ansible's documented rule): drop one pair of quotes, trailing ` # comment`. */
function varsValue(text: string): string {
  const q = text[0];
  if (q === '"' || q === "'") {
    const close = text.indexOf(q, 1);
    if (close > 0 && /^\s*(#.*)?$/.test(text.slice(close + 1))) return text.slice(1, close);
  }
  return text.replace(/\s+#.*$/, '');
}

// ---------------------------------------------------------------------------------------------
// Host patterns: `name`, `name:port`, `[v6]:port`, and ranges `www[01:50]`, `[a:f]`, `[1:9:2]`.

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Ansible's expand_hostname_range; `offset` locates errors in the original pattern. */
export function expandHostRange(pattern: string, offset = 0): string[] {
  const open = pattern.indexOf('[');
  if (open < 0) return [pattern];
  const close = pattern.indexOf(']', open);
  if (close < 0) throw new LocalError(`unterminated host range in '${pattern}'`, offset + open);
  const bad = (why: string): never => {
    throw new LocalError(`bad host range '${pattern.slice(open, close + 1)}': ${why}`, offset + open);
  };
  const bounds = pattern.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) bad('must be begin:end or begin:end:step');
  const beg = bounds[0] || '0';
  const end = bounds[1]!;
  const stepText = bounds[2] ?? '1';
  if (!end) bad('must specify an end value');
  if (!/^\d+$/.test(stepText) || Number(stepText) < 1) bad('step must be a positive integer');
  const step = Number(stepText);
  let seq: string[] = [];
  if (/^[A-Za-z]$/.test(beg) && /^[A-Za-z]$/.test(end)) {
    const a = LETTERS.indexOf(beg);
    const b = LETTERS.indexOf(end);
    if (a > b) bad('begin must be <= end');
    for (let i = a; i <= b; i += step) seq.push(LETTERS[i]!);
  } else if (/^\d+$/.test(beg) && /^\d+$/.test(end)) {
    // A leading zero asks for zero padding, and then both ends must have the same width.
    const width = beg.length > 1 && beg.startsWith('0') ? beg.length : 0;
    if (width && end.length !== width) bad('begin and end must have the same width when zero-padded');
    if (Number(beg) > Number(end)) bad('begin must be <= end');
    for (let i = Number(beg); i <= Number(end); i += step) seq.push(String(i).padStart(width, '0'));
  } else {
    bad('bounds must be two numbers or two letters');
  }
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const rest = expandHostRange(tail, offset + close + 1);
  return seq.flatMap((s) => rest.map((t) => head + s + t));
}

/** Split `name:port` (port → number); IPv6 addresses keep their colons. */
export function splitHostPort(token: string): { pattern: string; port?: number } {
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(token);
  if (v6 && isIPv6(v6[1]!)) {
    if (v6[2] === undefined) return { pattern: v6[1]! };
    return { pattern: v6[1]!, port: parsePort(v6[2], token.length - v6[2].length) };
  }
  if (isIPv6(token)) return { pattern: token };
  // Colons inside [a:b] ranges are not port separators.
  const outside = token.replace(/\[[^\]]*\]/g, (r) => '_'.repeat(r.length));
  const colon = outside.lastIndexOf(':');
  if (colon < 0) return { pattern: token };
  if (outside.indexOf(':') !== colon) throw new LocalError(`invalid host pattern '${token}'`);
  const portText = token.slice(colon + 1);
  if (portText === '') throw new LocalError(`invalid host pattern '${token}': ending in ':' is not allowed, ':' introduces a port`, colon);
  return { pattern: token.slice(0, colon), port: parsePort(portText, colon + 1) };
}

function parsePort(text: string, col: number): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new LocalError(`invalid port '${text}'`, col);
  return Number(text);
}

// ---------------------------------------------------------------------------------------------
// The file.

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

/** Parse an Ansible INI inventory. Errors name `file:line:col`. */
export function parseIniInventory(text: string, file: string): Inventory {
  const hosts = new Map<string, InventoryHost>();
  const groups = new Map<string, InventoryGroup>();
  const group = (name: string): InventoryGroup => {
    let g = groups.get(name);
    if (!g) groups.set(name, (g = { name, hosts: [], children: [], vars: {} }));
    return g;
  };
  group('all');
  group('ungrouped');
  // [g:vars] alone does not declare g (Ansible reports it as a likely typo); remember where.
  const declared = new Set(['all', 'ungrouped']);
  const varsOnly = new Map<string, number>();

  let current = 'ungrouped';
  let state = 'hosts';
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((rawLine, idx) => {
    const lineNo = idx + 1;
    const line = rawLine.trim();
    const indent = rawLine.length - rawLine.trimStart().length;
    if (!line || line[0] === '#' || line[0] === ';') return;
    const error = (reason: string, col = 0): never => {
      throw new InventoryError(reason, file, lineNo, indent + col + 1);
    };
    try {
      const sec = SECTION.exec(line);
      if (sec) {
        const name = sec[1]!;
        const kind = sec[2] ?? 'hosts';
        if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
          error(`section [${name}:${kind}] has unknown type '${kind}' (expected vars or children)`, name.length + 2);
        }
        group(name);
        if (kind === 'vars') {
          if (!declared.has(name) && !varsOnly.has(name)) varsOnly.set(name, lineNo);
        } else declared.add(name);
        current = name;
        state = kind;
        return;
      }
      if (line.startsWith('[') && line.endsWith(']')) {
        error(`invalid section header '${line}': expected [group], [group:vars] or [group:children], without spaces`);
      }
      if (state === 'vars') {
        const eq = line.indexOf('=');
        if (eq < 0) error(`expected key=value in [${current}:vars], got '${line}'`);
        const k = line.slice(0, eq).trim();
        if (!k) error('missing variable name before =');
        group(current).vars[k] = varsValue(line.slice(eq + 1).trim());
      } else if (state === 'children') {
        const m = GROUP_NAME.exec(line);
        if (!m) error(`expected a group name in [${current}:children], got '${line}'`);
        const child = m![1]!;
        if (child === 'all') error(`group 'all' cannot be a child of '${current}'`);
        if (child === current || isDescendant(groups, child, current)) {
          error(`adding group '${child}' as a child of '${current}' creates a loop`);
        }
        group(child);
        declared.add(child); // a child never defined elsewhere is created (empty)
        const parent = group(current);
        if (!parent.children.includes(child)) parent.children.push(child);
      } else {
        hostLine(line, current);
      }
    } catch (e) {
      if (e instanceof LocalError) error(e.message, e.col);
      if (e instanceof ShlexError) error(`cannot split host line: ${e.message}`, e.offset);
      throw e;
    }
  });

  function hostLine(line: string, groupName: string): void {
    const tokens = shlexSplitTokens(line, { comments: true });
    const first = tokens[0];
    if (!first) return; // only a comment
    const { pattern, port } = splitHostPort(first.value);
    if (pattern === '' || pattern === '---') throw new LocalError(`invalid host name '${first.value}'`, first.start);
    const vars: Record<string, unknown> = {};
    for (const t of tokens.slice(1)) {
      const eq = t.value.indexOf('=');
      if (eq <= 0) throw new LocalError(`expected key=value host variable assignment, got '${t.value}'`, t.start);
      vars[t.value.slice(0, eq)] = parseIniValue(t.value.slice(eq + 1));
    }
    if (port !== undefined) vars.ansible_port = port;
    const g = group(groupName);
    for (const name of expandHostRange(pattern, first.start)) {
      let h = hosts.get(name);
      if (!h) hosts.set(name, (h = { name, vars: {}, groups: new Set() }));
      Object.assign(h.vars, vars);
      if (!g.hosts.includes(name)) g.hosts.push(name);
    }
  }

  for (const [name, lineNo] of varsOnly) {
    if (!declared.has(name)) {
      throw new InventoryError(`section [${name}:vars] is for group '${name}', which is not defined anywhere`, file, lineNo, 1);
    }
  }
  finish({ hosts, groups });
  return { hosts, groups };
}

function isDescendant(groups: Map<string, InventoryGroup>, root: string, target: string): boolean {
  const seen = new Set<string>();
  const walk = (g: string): boolean => {
    if (seen.has(g)) return false;
    seen.add(g);
    return (groups.get(g)?.children ?? []).some((c) => c === target || walk(c));
  };
  return walk(root);
}

function parentsOf(inv: Inventory): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const g of inv.groups.values()) for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), g.name]);
  return parents;
}

/** Ansible's reconcile step: top groups under all, ungrouped hosts, each host's full group set. */
function finish(inv: Inventory): void {
  const all = inv.groups.get('all')!;
  const ungrouped = inv.groups.get('ungrouped')!;
  const parents = parentsOf(inv);
  for (const g of inv.groups.keys()) {
    if (g !== 'all' && !parents.has(g) && !all.children.includes(g)) all.children.push(g);
  }
  const direct = new Map<string, Set<string>>();
  for (const g of inv.groups.values()) for (const h of g.hosts) direct.set(h, (direct.get(h) ?? new Set()).add(g.name));
  ungrouped.hosts = [...inv.hosts.keys()].filter((h) => [...(direct.get(h) ?? [])].every((g) => g === 'all' || g === 'ungrouped'));
  const allParents = parentsOf(inv);
  const addWithAncestors = (set: Set<string>, g: string) => {
    if (set.has(g)) return;
    set.add(g);
    for (const p of allParents.get(g) ?? []) addWithAncestors(set, p);
  };
  for (const h of inv.hosts.values()) {
    h.groups = new Set(['all']);
    if (ungrouped.hosts.includes(h.name)) addWithAncestors(h.groups, 'ungrouped');
    for (const g of direct.get(h.name) ?? []) if (g !== 'ungrouped') addWithAncestors(h.groups, g);
  }
}

// ---------------------------------------------------------------------------------------------
// Variable precedence.

/** Depth in the group tree: all = 0, its children 1, … (longest path, as Ansible counts it). */
function groupDepths(inv: Inventory): Map<string, number> {
  const parents = parentsOf(inv);
  const depth = new Map<string, number>([['all', 0]]);
  const of = (g: string, guard: number): number => {
    const known = depth.get(g);
    if (known !== undefined) return known;
    const ps = (parents.get(g) ?? []).filter((p) => p !== g);
    const d = guard > inv.groups.size ? 1 : 1 + Math.max(0, ...ps.map((p) => of(p, guard + 1)));
    depth.set(g, d);
    return d;
  };
  for (const g of inv.groups.keys()) of(g, 0);
  return depth;
}

/**
 * The inventory variables of one host: group vars from `all` down the tree (by depth, then
 * ansible_group_priority, then name), host vars last. Later values replace earlier ones.
 */
export function resolveHostVars(inv: Inventory, host: string): Record<string, unknown> {
  const h = inv.hosts.get(host);
  if (!h) return {};
  const depth = groupDepths(inv);
  const priority = (g: InventoryGroup) => {
    const p = Number(g.vars.ansible_group_priority ?? 1);
    return Number.isFinite(p) ? p : 1;
  };
  const groups = [...h.groups]
    .map((n) => inv.groups.get(n))
    .filter((g): g is InventoryGroup => g !== undefined)
    .sort((a, b) => depth.get(a.name)! - depth.get(b.name)! || priority(a) - priority(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const g of groups) Object.assign(out, g.vars);
  return Object.assign(out, h.vars);
}
