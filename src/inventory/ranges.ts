import { isIPv6 } from 'node:net';
import { LocalError } from './errors.js';

// Host names in inventories: `name`, `name:port`, `[v6]:port`, and ranges `www[01:50]`, `[a:f]`, `[1:9:2]`.

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** One line must not be able to ask for millions of hosts (node[1:999999999]). */
export const MAX_RANGE_HOSTS = 100_000;

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
    if (Math.floor((Number(end) - Number(beg)) / step) + 1 > MAX_RANGE_HOSTS) bad(`it names more than ${MAX_RANGE_HOSTS} hosts`);
    for (let i = Number(beg); i <= Number(end); i += step) seq.push(String(i).padStart(width, '0'));
  } else {
    bad('bounds must be two numbers or two letters');
  }
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const rest = expandHostRange(tail, offset + close + 1);
  if (seq.length * rest.length > MAX_RANGE_HOSTS) bad(`with the ranges after it, it names more than ${MAX_RANGE_HOSTS} hosts`);
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
