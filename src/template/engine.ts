/**
 * The template engine of one run: an isolated handlebars environment with our helpers and
 * the run's partials, a compile cache, and the native-value rule for `"{{ expr }}"` strings.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import Handlebars from 'handlebars';
import { ExprError, ExpressionEvaluator } from '../expr/index.js';
import { isDict } from '../expr/values.js';
import { errorAt, lineColumnAt, originOf, TemplateError, type Origin, type SourcePos } from './errors.js';
import { renderError, syntaxError } from './hb-errors.js';
import { registerHelpers } from './helpers/index.js';
import { JINJA_STATEMENT, jinjaHint, looksTemplated } from './hints.js';
import { OUT_HELPER, PATH_HELPER, TemplateRewriter, type RewriteResult } from './rewrite.js';

export type { SourcePos } from './errors.js';

/** A handlebars environment and its helpers, all known at compile time (handlebars then calls them directly). */
interface Env {
  hb: typeof Handlebars;
  knownHelpers: Record<string, boolean>;
}

const envOf = (hb: typeof Handlebars): Env => ({ hb, knownHelpers: Object.fromEntries(Object.keys(hb.helpers).map((k) => [k, true])) });

interface Compiled {
  run: Handlebars.TemplateDelegate;
  /** One `{{ }}` and whitespace: return the native value. */
  single: boolean;
}

/** `"{{ expr }}"` alone (whitespace around allowed), not a block, comment, partial or `{{{ }}}`. */
const SINGLE = /^\s*\{\{(?![{#/^!>&~*]|\s*(?:else\b|this\b|\.))((?:(?!\{\{|\}\})[\s\S])*)\}\}\s*$/;

export const PARTIAL_EXTENSIONS = ['.hbs', '.j2', '.tmpl'];

export class TemplateEngine {
  private readonly hb = Handlebars.create();
  private readonly full: Env;
  /**
   * The same functions for handlebars' own helpers (if, each, with…) and the rewrite's, and no
   * others. Handlebars wraps every helper of its environment on each render: ~85 closures for
   * `/srv/{{ name }}.conf`, most of a run's allocation (docs/benchmarks.md). A template that
   * calls no other helper and uses no partial renders here, the same way, for ~1/8 of that.
   */
  private readonly lean: Env;
  /** The run's expression evaluator (parsed trees cached): conditions use it too. */
  readonly exprs = new ExpressionEvaluator();
  private readonly compiled = new Map<string, Compiled>();
  private readonly files = new Map<string, { mtimeMs: number; size: number; compiled: Compiled }>();
  private readonly partialDirs = new Map<string, string[]>();

  constructor() {
    // Every helper is fixed at construction.
    registerHelpers(this.hb);
    this.full = envOf(this.hb);
    const lean = Handlebars.create();
    for (const name of [...Object.keys(lean.helpers), PATH_HELPER, OUT_HELPER]) lean.registerHelper(name, this.hb.helpers[name]!);
    this.lean = envOf(lean);
  }

  /**
   * Renders a playbook string. `"{{ expr }}"` alone keeps its type (list, number, bool…);
   * anything else renders to a string. `where` is where the string starts in its file.
   */
  renderString(text: string, vars: object, where?: SourcePos): unknown {
    if (!text.includes('{{')) {
      if (looksTemplated(text)) this.refuseJinja(text, originOf(where));
      return text;
    }
    const origin = originOf(where);
    let notExpr: ExprError | undefined;
    if (SINGLE.test(text)) {
      const native = this.evaluateSingle(text, vars, origin);
      // Text around the one expression stays with a string (`"{{ name }}\n"` ends in a newline, as in Ansible).
      if (native.ok) return typeof native.value === 'string' ? text.replace(/\{\{[\s\S]*\}\}/, () => native.value as string) : native.value;
      notExpr = native.error;
    }
    return this.run(this.compileSingleAware(text, origin, notExpr), vars, origin, true);
  }

  /** Renders every string inside objects and arrays (keys stay as written). */
  renderDeep(value: unknown, vars: object, where?: SourcePos): unknown {
    if (typeof value === 'string') return this.renderString(value, vars, where);
    if (Array.isArray(value)) return value.map((v) => this.renderDeep(v, vars, where));
    if (isDict(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.renderDeep(v, vars, where);
      return out;
    }
    return value;
  }

  /** Reads and renders a template file (compiled once per modification). */
  renderFile(path: string, vars: object): string {
    const origin: Origin = { file: path, line: 1, col: 1 };
    const st = statSync(path);
    let entry = this.files.get(path);
    if (!entry || entry.mtimeMs !== st.mtimeMs || entry.size !== st.size) {
      entry = { mtimeMs: st.mtimeMs, size: st.size, compiled: this.compile(readFileSync(path, 'utf8'), origin) };
      this.files.set(path, entry);
    }
    return String(this.run(entry.compiled, vars, origin, false));
  }

  /** Registers every *.hbs / *.j2 / *.tmpl file of `dir` as a partial named by its base name. */
  registerPartialsFrom(dir: string): string[] {
    // Every host renders from the same templates/ dir: read it once per run.
    const known = this.partialDirs.get(dir);
    if (known) return known;
    const registered = this.readPartials(dir);
    this.partialDirs.set(dir, registered);
    return registered;
  }

  private readPartials(dir: string): string[] {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const registered: string[] = [];
    for (const file of names.sort()) {
      const ext = extname(file);
      if (!PARTIAL_EXTENSIONS.includes(ext)) continue;
      const path = join(dir, file);
      this.registerPartial(basename(file, ext), readFileSync(path, 'utf8'), path);
      registered.push(basename(file, ext));
    }
    return registered;
  }

  /** Registers one partial (`{{> name}}`); `file` is used in error messages. */
  registerPartial(name: string, source: string, file = `<partial ${name}>`): void {
    const origin: Origin = { file, line: 1, col: 1 };
    // Compiled on first use: a file in templates/ that nothing includes cannot break the others.
    let compiled: Compiled | undefined;
    const partial = (context: unknown, options?: Handlebars.RuntimeOptions) => {
      compiled ??= this.compile(source, origin);
      try {
        return compiled.run(context, options);
      } catch (e) {
        throw renderError(e, origin);
      }
    };
    this.hb.registerPartial(name, partial as Handlebars.Template);
  }

  /** Parses without rendering: the error a render would raise for syntax, or undefined. */
  check(text: string, where?: SourcePos): TemplateError | undefined {
    const origin = originOf(where);
    try {
      if (!text.includes('{{')) {
        if (looksTemplated(text)) this.refuseJinja(text, origin);
        return undefined;
      }
      let notExpr: ExprError | undefined;
      if (SINGLE.test(text)) {
        try {
          this.exprs.parse(text);
          return undefined;
        } catch (e) {
          if (!(e instanceof ExprError)) throw e;
          notExpr = e;
        }
      }
      this.compileSingleAware(text, origin, notExpr);
      return undefined;
    } catch (e) {
      if (e instanceof TemplateError) return e;
      throw e;
    }
  }

  /** `"{{ expr }}"` through the expression evaluator; not ok when it is not an expression. */
  private evaluateSingle(text: string, vars: object, origin: Origin): { ok: true; value: unknown } | { ok: false; error: ExprError } {
    try {
      this.exprs.parse(text);
    } catch (e) {
      // Not a Jinja expression (a helper call like `{{join xs ","}}`): handlebars renders it.
      if (e instanceof ExprError && e.kind === 'syntax') return { ok: false, error: e };
      throw e;
    }
    try {
      return { ok: true, value: this.exprs.evaluate(text, vars) };
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      // `{{abs -3}}` also parses as Jinja (abs minus 3): an undefined first name that is a
      // helper means it was a helper call.
      const first = /^\s*\{\{\s*([A-Za-z_]\w*)/.exec(text)?.[1];
      if (e.kind === 'undefined' && first !== undefined && e.path === first && Object.hasOwn(this.hb.helpers, first)) return { ok: false, error: e };
      const { line, column } = lineColumnAt(text, e.offset);
      const reason =
        e.kind === 'undefined'
          ? `undefined variable '${e.path}' in template${/^'[^']*' is undefined$/.test(e.reason) ? '' : `: ${e.reason}`}`
          : e.reason;
      throw errorAt(origin, line, column, reason, e.kind === 'undefined' ? 'undefined' : 'error');
    }
  }

  private refuseJinja(text: string, origin: Origin): void {
    const m = JINJA_STATEMENT.exec(text);
    if (!m) return;
    const { line, column } = lineColumnAt(text, m.index);
    throw errorAt(origin, line, column, `template syntax error: ${jinjaHint(text)}`, 'syntax');
  }

  /**
   * Compiles a template; when it was also not a valid expression, reports whichever error
   * fits what the author meant: a helper call gets handlebars' error, anything else (`{{ x | }}`,
   * `{{ a == }}`) the expression's, which points at the column.
   */
  private compileSingleAware(text: string, origin: Origin, notExpr: ExprError | undefined): Compiled {
    try {
      return this.compileCached(text, origin);
    } catch (e) {
      const first = /^\s*\{\{\s*([A-Za-z_][\w-]*)\s+[^\s|]/.exec(text)?.[1];
      const helperCall = first !== undefined && Object.hasOwn(this.hb.helpers, first);
      if (!notExpr || helperCall || !(e instanceof TemplateError) || e.kind !== 'syntax' || e.reason.startsWith('unknown ')) throw e;
      const { line, column } = lineColumnAt(text, notExpr.offset);
      throw errorAt(origin, line, column, `template syntax error: ${notExpr.reason}`, 'syntax');
    }
  }

  private compileCached(text: string, origin: Origin): Compiled {
    let c = this.compiled.get(text);
    if (!c) {
      c = this.compile(text, origin);
      if (this.compiled.size >= 5000) this.compiled.clear();
      this.compiled.set(text, c);
    }
    return c;
  }

  private compile(text: string, origin: Origin): Compiled {
    this.refuseJinja(text, origin);
    let rewritten: RewriteResult;
    let ast: hbs.AST.Program;
    try {
      ast = this.hb.parse(text);
      rewritten = new TemplateRewriter((name) => Object.hasOwn(this.hb.helpers, name)).rewrite(ast);
    } catch (e) {
      throw syntaxError(e, text, origin);
    }
    const leanEnough = !rewritten.usesPartials && [...rewritten.helpers].every((name) => Object.hasOwn(this.lean.knownHelpers, name));
    const { hb, knownHelpers } = leanEnough ? this.lean : this.full;
    return { run: hb.compile(ast, { strict: true, noEscape: true, knownHelpers }), single: rewritten.single };
  }

  private run(c: Compiled, vars: object, origin: Origin, native: boolean): unknown {
    const sink: { value?: unknown } = {};
    let out: string;
    try {
      out = c.run(vars, { data: { __capture: sink } });
    } catch (e) {
      throw renderError(e, origin);
    }
    return native && c.single && 'value' in sink ? sink.value : out;
  }
}
