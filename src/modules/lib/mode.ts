/**
 * File modes as Ansible takes them: octal strings, numbers, and chmod-style symbolic modes.
 * The target mode is computed here, in TypeScript, from the current mode read on the target,
 * so check mode can predict the result exactly and the target only ever sees an absolute mode.
 */

/** Permission bits that chmod can set (rwx for u/g/o plus setuid, setgid, sticky). */
export const MODE_BITS = 0o7777;
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;
const S_IRWXU = 0o700;
const S_IRWXG = 0o070;
const S_IRWXO = 0o007;
const READ = 0o444;
const WRITE = 0o222;
const EXEC = 0o111;

export class ModeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModeError';
  }
}

/** One `op perms` step of a symbolic clause (`u+rw-x` has two). */
interface SymbolicChange {
  op: '+' | '-' | '=';
  /** Bits named by who (u/g/o/a); 0 when who was omitted (then the umask applies, as in chmod). */
  affected: number;
  value: number;
  flag: 'plain' | 'copy' | 'X';
  /** Bits the clause names explicitly; on directories setuid/setgid stay unless mentioned (GNU chmod). */
  mentioned: number;
}

export type ParsedMode = { kind: 'octal'; value: number } | { kind: 'symbolic'; text: string; changes: SymbolicChange[] };

/**
 * Parses a `mode:` argument.
 * - A string of octal digits ('0644', '644', '2755') is octal.
 * - A number is the mode's value, as in Ansible: playbooks are read as YAML 1.1, where
 *   `mode: 0644` is the octal number 0o644 (420). An unquoted `mode: 644` is decimal 644, which
 *   Ansible's docs warn about; quote modes ('0644') to be safe.
 * - Anything else is a symbolic mode like chmod's: `u=rw,g=r,o=r`, `u+x`, `go-w`, `a=rX`, `+t`.
 */
export function parseMode(mode: string | number): ParsedMode {
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > MODE_BITS) throw new ModeError(`invalid mode ${mode}: quote it as an octal string such as '0644'`);
    return { kind: 'octal', value: mode };
  }
  const text = mode.trim();
  if (text === '') throw new ModeError('invalid mode: empty string');
  if (/^[0-9]+$/.test(text)) return parseOctal(text, mode);
  return { kind: 'symbolic', text, changes: parseSymbolic(text) };
}

function parseOctal(digits: string, original: string | number): ParsedMode {
  if (!/^[0-7]+$/.test(digits)) throw new ModeError(`invalid mode ${JSON.stringify(original)}: not an octal number`);
  const value = parseInt(digits, 8);
  if (value > MODE_BITS) throw new ModeError(`invalid mode ${JSON.stringify(original)}: only permission bits (up to 07777) are allowed`);
  return { kind: 'octal', value };
}

const WHO: Record<string, number> = { u: S_ISUID | S_IRWXU, g: S_ISGID | S_IRWXG, o: S_ISVTX | S_IRWXO, a: MODE_BITS };
const PERM: Record<string, number> = { r: READ, w: WRITE, x: EXEC, X: 0, s: S_ISUID | S_ISGID, t: S_ISVTX };
const COPY: Record<string, number> = { u: S_IRWXU, g: S_IRWXG, o: S_IRWXO };

/** Grammar of chmod(1): clause[,clause]...; clause = [ugoa]* ([-+=] ([rwxXst]* | [ugo]))+ */
function parseSymbolic(text: string): SymbolicChange[] {
  const changes: SymbolicChange[] = [];
  for (const clause of text.split(',')) {
    const bad = () => new ModeError(`invalid mode ${JSON.stringify(text)}: bad symbolic clause ${JSON.stringify(clause)}`);
    let i = 0;
    let affected = 0;
    while (i < clause.length && clause[i]! in WHO) affected |= WHO[clause[i++]!]!;
    if (i >= clause.length) throw bad();
    while (i < clause.length) {
      const op = clause[i++];
      if (op !== '+' && op !== '-' && op !== '=') throw bad();
      let value = 0;
      let flag: SymbolicChange['flag'] = 'plain';
      const c = clause[i];
      if (c !== undefined && c in COPY) {
        value = COPY[c]!;
        flag = 'copy';
        i++;
      } else {
        while (i < clause.length && clause[i]! in PERM) {
          const p = clause[i++]!;
          if (p === 'X') flag = 'X';
          value |= PERM[p]!;
        }
      }
      changes.push({ op, affected, value, flag, mentioned: affected ? affected & value : value });
    }
  }
  return changes;
}

/**
 * The mode chmod would give a file whose mode is `current` (GNU coreutils' mode_adjust):
 * symbolic changes are applied in order, X looks at the mode built so far, who-less clauses
 * honour the umask, and directories keep setuid/setgid unless the clause names them.
 */
export function applyMode(mode: ParsedMode, current: number, opts: { isDir: boolean; umask: number }): number {
  if (mode.kind === 'octal') return mode.value;
  let newmode = current & MODE_BITS;
  for (const ch of mode.changes) {
    const omit = opts.isDir ? (S_ISUID | S_ISGID) & ~ch.mentioned : 0;
    let value = ch.value;
    if (ch.flag === 'copy') {
      value &= newmode;
      value |= (value & READ ? READ : 0) | (value & WRITE ? WRITE : 0) | (value & EXEC ? EXEC : 0);
    } else if (ch.flag === 'X' && (newmode & EXEC || opts.isDir)) {
      value |= EXEC;
    }
    value &= (ch.affected ? ch.affected : ~opts.umask) & ~omit;
    if (ch.op === '=') {
      // Without who, `=` clears every bit and sets only what the umask lets through.
      const preserved = (ch.affected ? ~ch.affected : 0) | omit;
      newmode = (newmode & preserved) | value;
    } else if (ch.op === '+') {
      newmode |= value;
    } else {
      newmode &= ~value;
    }
    newmode &= MODE_BITS;
  }
  return newmode;
}

/** Convenience: parse and apply in one go. */
export function resolveMode(mode: string | number, current: number, opts: { isDir: boolean; umask: number }): number {
  return applyMode(parseMode(mode), current, opts);
}

/** Ansible's rendering of a mode in results: '0644', '04755', '01777'. */
export function formatMode(mode: number): string {
  return '0' + (mode & MODE_BITS).toString(8).padStart(3, '0');
}

/**
 * The absolute mode as chmod must be given it: five octal digits, because GNU chmod keeps a
 * directory's setuid/setgid bits for shorter numeric modes and we want the mode exactly.
 */
export function chmodArg(mode: number): string {
  return '0' + (mode & MODE_BITS).toString(8).padStart(4, '0');
}

/** Mode a new file gets from the umask (0666 & ~umask; 0777 for directories). */
export function defaultMode(umask: number, isDir: boolean): number {
  return (isDir ? 0o777 : 0o666) & ~umask;
}
