import { readFileSync, statSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { UserError } from '../model/source.js';
import { compilePyRegex, PyRegexError } from '../modules/lib/pyregex.js';
import { fnmatchRegExp } from './fnmatch.js';
import { groupHosts } from './groups.js';
import type { Inventory } from './types.js';

// Ansible's host patterns (inventory/manager.py), term for term:
//   all, *, web, node1          a group (its hosts and its descendants'), else a host
//   web:db  web,db  'web db'    union          web:&prod   intersection    web:!node3   exclusion
//   node*  web-?  [ab]*          fnmatch globs against group names, and host names
//   ~node[12]                    a Python regex, matched at the start of group and host names
//   web[0] web[-1] web[1:] web[1:3]   subscripts of the matched list, end included
// Unions are applied first, then intersections, then exclusions; a pattern of only & and !
// terms starts from all. A term matching nothing is a warning, not an error.

const LOCALHOST = ['localhost', '127.0.0.1', '::1'];
const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/s;
// A hostname label with optional [a:b] ranges, as addresses.py allows (for `node1:22` and IPv6).
const RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const LABEL = String.raw`(?:[\p{L}\p{N}_]|${RANGE})(?:[\p{L}\p{N}_-]|${RANGE})*(?<![_-])`;
const HOSTNAME = new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`, 'iu');
const IPV4_PART = String.raw`(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|\[[0-9]+:[0-9]+(?::[0-9]+)?\])`;
const IPV4 = new RegExp(String.raw`^(?:${IPV4_PART}\.){3}${IPV4_PART}$`);

export interface PatternOptions {
  /** Told each term that matches no group or host ("could not match supplied host pattern"). */
  warn?: (message: string) => void;
}

/** Ansible's parse_address(allow_ranges=True) as a yes/no: is this one host, perhaps with :port? */
function isAddress(text: string): boolean {
  let host = text;
  const bracketed = /^\[(.+)\]:([0-9]+)$/s.exec(text);
  const hostport = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/s.exec(text);
  if (bracketed) host = bracketed[1]!;
  else if (hostport) host = hostport[1]!;
  return IPV4.test(host) || isIPv6(host) || HOSTNAME.test(host);
}

/** Ansible's split_host_pattern: commas split plainly; otherwise colons and blanks, but not an address's. */
export function splitHostPattern(pattern: string | string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap((p) => splitHostPattern(p));
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (isAddress(pattern)) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter(Boolean);
}

/**
 * `--limit` values: a pattern, where a term `@FILE` stands for the patterns in FILE, one a line
 * (Ansible's inventory.subset). Read here, once, so a missing file is reported before any work.
 */
export function expandLimit(limit: string): string[] {
  const out: string[] = [];
  for (const term of splitHostPattern(limit)) {
    if (!term.startsWith('@')) {
      out.push(term);
      continue;
    }
    const file = term.slice(1);
    const info = (() => {
      try {
        return statSync(file);
      } catch {
        return undefined;
      }
    })();
    if (!info) throw new UserError(`--limit: cannot find limit file '${file}'`, undefined, 5);
    if (!info.isFile()) throw new UserError(`--limit: '@${file}' must be a file (one host pattern a line), not a directory`, undefined, 5);
    if (info.size > 10 * 1024 * 1024) throw new UserError(`--limit: limit file '${file}' is over 10 MB; refused`, undefined, 5);
    out.push(...readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
  }
  return out;
}

/**
 * The hosts a pattern selects, in Ansible's order (first match first, no duplicates). With
 * `limit`, only those the limit's patterns also select. Names in LOCALHOST that are not in the
 * inventory are Ansible's implicit localhost and are returned as they are.
 */
export function matchHosts(inv: Inventory, pattern: string | string[], limit?: string[], opts: PatternOptions = {}): string[] {
  let hosts = evaluate(inv, splitHostPattern(pattern), opts);
  if (limit !== undefined) {
    const allowed = new Set(evaluate(inv, limit, opts));
    hosts = hosts.filter((h) => allowed.has(h));
  }
  return hosts;
}

/**
 * Call sites' form: `groups` is unused (kept for their signature); `limit: true` reads `@file`
 * terms as --limit does.
 */
export function selectHosts(inventory: Inventory, _groups: Record<string, string[]>, pattern: string, opts: PatternOptions & { limit?: boolean } = {}): string[] {
  // A limit's terms are split once (a comma list keeps `db:&nodes` whole, as Ansible's subset does).
  return opts.limit ? evaluate(inventory, expandLimit(pattern), opts) : matchHosts(inventory, pattern, undefined, opts);
}

function evaluate(inv: Inventory, terms: string[], opts: PatternOptions): string[] {
  const regular = terms.filter((t) => t[0] !== '!' && t[0] !== '&');
  const ordered = [...(regular.length ? regular : ['all']), ...terms.filter((t) => t[0] === '&'), ...terms.filter((t) => t[0] === '!')];
  let hosts: string[] = [];
  for (const term of ordered) {
    if (inv.hosts.has(term)) {
      hosts.push(term);
      continue;
    }
    const that = matchTerm(inv, term[0] === '&' || term[0] === '!' ? term.slice(1) : term, opts);
    if (term[0] === '!') {
      const drop = new Set(that);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (term[0] === '&') {
      const keep = new Set(that);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const have = new Set(hosts);
      hosts.push(...that.filter((h) => !have.has(h)));
    }
  }
  return [...new Set(hosts)];
}

/** One term without its & or !: matches (with duplicates, as Ansible keeps them), then the subscript. */
function matchTerm(inv: Inventory, term: string, opts: PatternOptions): string[] {
  let expr = term;
  let subscript: [number, number | undefined] | undefined;
  const m = term[0] === '~' ? null : SUBSCRIPT.exec(term);
  if (m) {
    expr = m[1]!;
    if (m[2] !== undefined) subscript = [Number(m[2]), undefined];
    else {
      subscript = [Number(m[3]), m[5] ? Number(m[5]) : -1];
      if (m[4] === '-') opts.warn?.(`use [x:y] inclusive subscripts instead of [x-y] in '${term}'`);
    }
  }
  const hosts = enumerate(inv, expr, opts);
  if (!subscript || hosts.length === 0) return hosts;
  const [start, end] = subscript;
  // Python's semantics: [i:0] is read as [i], an index past the end is an error, a slice is not.
  if (end) return hosts.slice(start, (end === -1 ? hosts.length - 1 : end) + 1);
  const one = hosts.at(start);
  if (one === undefined) throw new UserError(`no hosts matched the subscripted pattern '${term}' (it selects ${hosts.length})`);
  return [one];
}

function enumerate(inv: Inventory, expr: string, opts: PatternOptions): string[] {
  const re = compileTerm(expr);
  const results: string[] = [];
  const groups = [...inv.groups.keys()].filter((g) => re.test(g));
  for (const g of groups) results.push(...groupHosts(inv, g));
  // Globs and regexes also match host names even when a group matched; plain words do not.
  if (groups.length === 0 || expr[0] === '~' || /[.?*[]/.test(expr)) {
    for (const h of inv.hosts.keys()) if (re.test(h)) results.push(h);
  }
  if (results.length === 0 && LOCALHOST.includes(expr)) results.push(expr);
  if (results.length === 0 && groups.length === 0 && expr !== 'all') {
    opts.warn?.(`Could not match supplied host pattern, ignoring: ${expr}`);
  }
  return results;
}

/** `~regex` is Python's re.match (anchored at the start only); anything else an fnmatch glob. */
function compileTerm(expr: string): { test(name: string): boolean } {
  if (expr[0] !== '~') return fnmatchRegExp(expr);
  let re: RegExp;
  try {
    re = compilePyRegex(expr.slice(1), '', 'host pattern');
  } catch (e) {
    if (e instanceof PyRegexError) throw new UserError(`invalid host pattern '${expr}': ${e.message}`);
    throw e;
  }
  const sticky = new RegExp(re.source, re.flags.replace('g', '') + 'y');
  return {
    test(name: string) {
      sticky.lastIndex = 0;
      return sticky.test(name);
    },
  };
}
