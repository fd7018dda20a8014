// Building blocks for running one script in a shell we share with other scripts: how the
// script gets its environment and stdin, and how its end is recognised in the output stream.
//
// Scripts are assembled as "byte strings" (one char per byte, latin1) so that stdin payloads
// need not be valid UTF-8: quote() only ever touches the ASCII quote byte, which never occurs
// inside a UTF-8 multi-byte sequence, so quoting commutes with UTF-8 encoding.
import { randomBytes } from 'node:crypto';
import { quote } from '../shell/sh.js';
import { START_HELPER, usesOps, withToolOps } from './node-ops.js';
import type { ExecOptions } from './types.js';

/** An unguessable token: a script cannot print it unless it already knows it. */
export function token(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/** UTF-8 text or raw bytes as a byte string. */
export function bytesOf(s: string | Buffer): string {
  return (typeof s === 'string' ? Buffer.from(s, 'utf8') : s).toString('latin1');
}

/** `K='v' L='w' ` prefix assignments: exported to that one command only. */
export function envPrefix(env: Record<string, string> | undefined): string {
  return Object.entries(env ?? {})
    .map(([k, v]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name ${JSON.stringify(k)}`);
      return `${k}=${quote(v)} `;
    })
    .join('');
}

/** Linux caps one argv string at 128 KiB (MAX_ARG_STRLEN); payloads in argv are split below it. */
const ARG_CHUNK = 100_000;
const MAX_ARG = 128 * 1024 - 1;
/** argv + environment share ARG_MAX (2 MiB by default); leave room for the environment. */
const MAX_ARGV_PAYLOAD = 1536 * 1024;

/** A script travels as one `sh -c` argument: say so plainly instead of failing with E2BIG. */
export function checkScriptSize(script: string): void {
  const n = Buffer.byteLength(script, 'utf8');
  if (n > MAX_ARG) throw new Error(`script is ${n} bytes, over the 128 KiB a single argument may have; pass data on stdin instead`);
}

/**
 * Stdin bytes prepared to be printed by `printf %s`: a NUL cannot live in a shell word, so
 * such payloads travel base64-encoded and are decoded on the target (needs `base64`).
 */
export function payload(stdin: string | Buffer, inArgv = false): { chunks: string[]; decode: string } {
  const buf = typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : stdin;
  const text = buf.includes(0) ? buf.toString('base64') : buf.toString('latin1');
  if (inArgv && text.length > MAX_ARGV_PAYLOAD) {
    throw new Error(`stdin of ${buf.length} bytes is too large under become (it travels in sudo's argv, limit ~1.5 MiB)`);
  }
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += ARG_CHUNK) chunks.push(text.slice(i, i + ARG_CHUNK));
  return { chunks, decode: buf.includes(0) ? 'base64 -d | ' : '' };
}

/**
 * The command (byte string) running `script` in the shell we share, with `env` exported and
 * stdin from the given bytes or /dev/null. Apart from the shell, so that `exit`, `cd`, traps
 * and syntax errors stay inside: a forked subshell that `eval`s the script costs the node about
 * half of a new `sh -c` (a fork, no exec of sh); a script that names `$$` gets a process of its
 * own, since in a subshell `$$` is the shared shell's pid (`kill $$` would end the connection).
 * A script that leaves the shell as it was (`inShell`, without env or stdin) runs in the shell
 * itself, no fork: `command eval` keeps a syntax error from ending the shell.
 * A script that uses node ops (node-ops.ts) in the shared shell has the helper started first,
 * by the shell itself, so that it outlives the script.
 */
export function runCommand(script: string, o: Pick<ExecOptions, 'stdin' | 'env' | 'inShell'>): string {
  const { stdin, env } = o;
  const own = script.includes('$$');
  const helper = !own && usesOps(script) ? `${START_HELPER}; ` : '';
  if (o.inShell && !env && stdin === undefined) return `${helper}command eval ${quote(bytesOf(script))} </dev/null`;
  const run = own ? ownProcess(script, env) : `( ${exportsOf(env)}eval ${quote(bytesOf(script))} )`;
  if (stdin === undefined) return `${helper}${run} </dev/null`;
  const p = payload(stdin);
  // printf is a builtin in every sh worth the name: no argv size limit here.
  return `${helper}printf %s ${p.chunks.map(quote).join('') || "''"} | ${p.decode}${run}`;
}

function ownProcess(script: string, env: Record<string, string> | undefined): string {
  const text = withToolOps(script);
  checkScriptSize(text);
  return `${bytesOf(envPrefix(env))}sh -c ${quote(bytesOf(text))}`;
}

/** `export K='v'; ` for each variable, for a subshell (prefix assignments before eval are not exported). */
function exportsOf(env: Record<string, string> | undefined): string {
  const prefix = envPrefix(env);
  return prefix ? `export ${bytesOf(prefix)}; ` : '';
}

/**
 * Watches one output stream for a sentinel and the line it ends: "<body><sentinel><trailer>\n".
 * Output is kept as bytes so that multi-byte characters split across chunks stay intact.
 */
export class EndReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private at = -1;
  private tail = Buffer.alloc(0);
  private readonly mark: Buffer;
  body?: Buffer;
  trailer?: string;

  constructor(sentinel: string) {
    this.mark = Buffer.from(sentinel, 'latin1');
  }

  get done(): boolean {
    return this.body !== undefined;
  }

  /** Feeds a chunk; true once the sentinel line is complete. */
  push(chunk: Buffer): boolean {
    if (this.done) return true; // stray output after the end (e.g. a background job): dropped
    const start = this.size;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.at < 0) {
      const window = Buffer.concat([this.tail, chunk]);
      const i = window.indexOf(this.mark);
      if (i < 0) {
        this.tail = window.subarray(Math.max(0, window.length - this.mark.length + 1));
        return false;
      }
      this.at = start - this.tail.length + i;
    }
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    const nl = all.indexOf(0x0a, this.at + this.mark.length);
    if (nl < 0) return false;
    this.body = all.subarray(0, this.at);
    this.trailer = all.subarray(this.at + this.mark.length, nl).toString('latin1');
    return true;
  }
}
