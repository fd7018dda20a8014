// Node operations: the file operations modules run most often (stat, mv, mkdir, ln -s, sha1sum,
// base64), written in scripts as `oasis_x <tool> <args>`. Starting a process is most of what a
// task costs the node, so in the shared shell a resident Perl helper (node-helper-perl.ts)
// serves them from one process. Wherever there is no helper (a script in a process of its own,
// under sudo, on a node without perl) and for any form the helper does not serve, the tool
// itself runs: the same output and exit status either way.
import { randomBytes } from 'node:crypto';
import { quote } from '../shell/sh.js';
import { NODE_HELPER_PERL } from './node-helper-perl.js';

/** What a script calls an operation through. */
const OP = 'oasis_x';

/** Whether a script run in the shared shell should have the helper started first. */
export function usesOps(script: string): boolean {
  return script.includes(OP);
}

/** A script in a process of its own runs the tools themselves. */
export function withToolOps(script: string): string {
  return usesOps(script) ? `${OP}() { "$@"; }\n${script}` : script;
}

/** Starts the helper (once per shell) at the shell's own level, before a script that uses ops. */
export const START_HELPER = 'oasis_hstart';

/**
 * Defined in the shared shell whenever a connection starts on it (a kept shell leased again
 * keeps its running helper and its FIFOs' names). The helper is started by the first script
 * that uses an op, not here: a connection that runs one command does not pay for it.
 *
 * The dispatcher sends a request only when the caller's stdout is the helper's (the channel),
 * not a command substitution or a file, and its stderr goes somewhere the helper can write too.
 * Each check is a builtin `test`: a served op starts no process.
 */
export function sharedShellOps(): string {
  const fifo = `\${TMPDIR:-/tmp}/.oasis-helper.$$.${randomBytes(6).toString('hex')}`;
  return `${OP}() {
  if [ "\${oasis_hp:-0}" != 0 ] && [ /dev/stdout -ef "/proc/$oasis_hp/fd/1" ]; then
    if [ /dev/stderr -ef "/proc/$oasis_hp/fd/2" ]; then oasis_he=e
    elif [ /dev/stderr -ef /dev/null ]; then oasis_he=n
    elif [ /dev/stderr -ef /dev/stdout ]; then oasis_he=o
    else oasis_he=; fi
    if [ -n "$oasis_he" ] && printf '%s\\0' "$oasis_he" "\${QUOTING_STYLE-}" "$#" "$@" > "$oasis_hi" && IFS= read -r oasis_he < "$oasis_ho"; then
      case $oasis_he in -) ;; *) set -- "$oasis_he"; unset oasis_he; return "$1" ;; esac
    fi
    unset oasis_he
  fi
  "$@"
}
${START_HELPER}() {
  [ -z "\${oasis_hp-}" ] || return 0
  oasis_hp=0
  command -v perl >/dev/null 2>&1 || return 0
  oasis_hi=${fifo}.i; oasis_ho=${fifo}.o
  mkfifo -m 600 -- "$oasis_hi" "$oasis_ho" 2>/dev/null || return 0
  if perl -e ${quote(NODE_HELPER_PERL)} "$oasis_hi" "$oasis_ho" "$$" </dev/null 3>&2 2>/dev/null && IFS= read -r oasis_hp < "$oasis_ho"; then
    trap 'kill "$oasis_hp" 2>/dev/null' EXIT
  else
    oasis_hp=0; rm -f -- "$oasis_hi" "$oasis_ho"
  fi
}`;
}
