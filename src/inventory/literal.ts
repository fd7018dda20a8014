// INI values (host lines and [g:vars] alike) go through Python's ast.literal_eval in Ansible;
// this is that subset. Anything that does not parse stays the string it was: `true` and
// `null` are not Python, so they stay strings, exactly as ansible-inventory shows them.

const IDENTS: Record<string, unknown> = { True: true, False: false, None: null };
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
  /** Blanks, and a `# comment` to the end (`8080 # http` is 8080 for Python too). */
  private ws(): void {
    while (this.i < this.s.length && ' \t\r\n\f\v'.includes(this.s[this.i]!)) this.i++;
    if (this.s[this.i] === '#') this.i = this.s.length;
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
    if (m && Object.hasOwn(IDENTS, m[0])) {
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
      } else if (Object.hasOwn(ESCAPES, n)) {
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

