// become: run a script through `sudo -S` with a random prompt. The password is written to
// sudo's stdin only once that prompt shows up on stderr, so it is never in argv, in the
// script, or in any output. The script itself never reads sudo's stdin (the SSH channel or
// our pipe): its stdin is redirected inside the sudo'd shell. A second prompt means the
// password was wrong: the caller then stops sudo (kill or EOF) instead of answering, so it
// costs one failed attempt and never hangs.
import { quote, type Shell } from '../shell/sh.js';
import type { BecomeOptions, ExecResult } from './types.js';
import { bytesOf, checkScriptSize, envPrefix, payload, token } from './frame.js';
import { withToolOps } from './node-ops.js';

export class SudoSession {
  /** sudo expands %-escapes in -p, so the prompt holds none. */
  readonly prompt = `[${token('oasis-sudo-')}]`;
  /** Printed on stderr: `<marker> <pid>` with sudo's pid (SSH), `<marker>` once the wrapper runs. */
  readonly marker = token('oasis-become-');
  prompts = 0;
  ready = false;
  pid?: number;
  private carry = '';

  constructor(readonly options: BecomeOptions) {}

  get user(): string {
    return this.options.user || 'root';
  }

  /** `sudo ... -- sh -c` argv (the wrapper and its positional args follow). */
  sudoArgv(): string[] {
    return ['sudo', '-H', '-S', '-p', this.prompt, '-u', this.user, '--', 'sh', '-c'];
  }

  /** Scans new stderr bytes; returns how many prompts appeared and whether the wrapper just started. */
  scan(chunk: Buffer): { prompts: number; ready: boolean } {
    const text = chunk.toString('latin1');
    const window = this.carry + text;
    const from = this.carry.length;
    let prompts = 0; // only matches that end in the new bytes: the carry was scanned already
    for (let i = window.indexOf(this.prompt); i >= 0; i = window.indexOf(this.prompt, i + 1)) {
      if (i + this.prompt.length > from) prompts++;
    }
    const pid = new RegExp(`${this.marker} (\\d+)\\n`).exec(window);
    if (pid) this.pid ??= Number(pid[1]);
    const ready = !this.ready && new RegExp(`${this.marker}\\n`).test(window);
    this.ready ||= ready;
    this.prompts += prompts;
    this.carry = window.slice(-(Math.max(this.prompt.length, this.marker.length) + 24));
    return { prompts, ready };
  }

  /** The line to give sudo at a prompt: the password the first time; undefined = stop sudo. */
  answer(): string | undefined {
    return this.prompts === 1 && this.options.password !== undefined ? `${this.options.password}\n` : undefined;
  }

  /** Removes what sudo and the wrapper added to stderr and explains a failed authentication. */
  finish(r: ExecResult): ExecResult {
    const stderr = r.stderr.split(this.prompt).join('').replace(new RegExp(`${this.marker}( \\d+)?\\n`, 'g'), '');
    let why: string | undefined;
    if (this.prompts > 0 && this.options.password === undefined) why = `sudo asked for a password to become ${this.user} but no become password was given`;
    else if (this.prompts > 1) why = `incorrect sudo password (become user ${this.user})`;
    if (!why) return { ...r, stderr };
    return { code: r.code || 1, stdout: r.stdout, stderr: `${why}\n${stderr.replace(/^\n+/, '')}` };
  }
}

/**
 * The sudo'd wrapper: announces itself, then runs the script with `env` and stdin from the
 * positional args ($1...), /dev/null, or — for 'inherit' — sudo's own stdin (a local pipe the
 * caller writes the payload to once the wrapper has announced itself, then closes).
 * The script runs in the background so that this root shell can take the TERM sudo relays on
 * a timeout and pass it to everything the script started, which the caller may not signal.
 */
function wrapper(s: SudoSession, env: Record<string, string> | undefined, stdin: 'none' | 'args' | 'inherit', decode = ''): string {
  const run = `${envPrefix(env)}sh -c "$0"`;
  // An async list's stdin is /dev/null unless redirected, hence the detour through fd 3.
  const job = stdin === 'args' ? `printf %s "$@" | ${decode}${run}` : stdin === 'none' ? `${run} </dev/null` : `${run} <&3 3<&-`;
  const keep = stdin === 'inherit' ? 'exec 3<&0; ' : '';
  return `printf '%s\\n' ${s.marker} >&2; ${keep}trap 'trap - TERM HUP; kill -TERM 0' TERM HUP; ${job} & wait $!`;
}

/**
 * For a persistent shell whose stdin is the stream sudo reads its password from (the SSH
 * channel). sudo runs as a background child of that shell, reading the channel through fd 3:
 * - the shell sits in `wait` and reads nothing meanwhile, so the password line goes to sudo;
 * - sudo's parent stays the same shell, so its credential cache (per parent process when
 *   there is no tty) spares a password check on later execs;
 * - its pid goes to stderr, so the caller can stop it at a second prompt (wrong password).
 * The command leaves sudo's exit status in $?. Returns a byte string (see frame.ts).
 */
export function becomeWrap(
  script: Shell,
  become: BecomeOptions,
  io: { stdin?: string | Buffer; env?: Record<string, string> } = {},
): { command: string; sudo: SudoSession } {
  const text = withToolOps(script.text);
  checkScriptSize(text);
  const sudo = new SudoSession(become);
  const p = io.stdin === undefined ? undefined : payload(io.stdin, true);
  const inner = wrapper(sudo, io.env, p ? 'args' : 'none', p?.decode);
  const argv = [...sudo.sudoArgv(), inner, text].map((a) => quote(bytesOf(a)));
  const args = [...argv, ...(p?.chunks ?? []).map(quote)].join(' ');
  const command = `exec 3<&0; ${args} <&3 3<&- & exec 3<&-; printf '%s %s\\n' ${sudo.marker} "$!" >&2; wait $!`;
  return { command, sudo };
}

/** For a local child process (stdin is a pipe we can close): sudo argv, payload written after the marker. */
export function becomeArgv(script: Shell, become: BecomeOptions, env?: Record<string, string>, hasStdin = false): { argv: string[]; sudo: SudoSession } {
  const text = withToolOps(script.text);
  checkScriptSize(text);
  const sudo = new SudoSession(become);
  return { argv: [...sudo.sudoArgv(), wrapper(sudo, env, hasStdin ? 'inherit' : 'none'), text], sudo };
}
