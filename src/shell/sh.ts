/**
 * The only way scripts are built: every interpolated value is POSIX single-quoted, so no value
 * can ever be parsed as shell syntax. `Shell` values (already vetted fragments) pass through.
 */
export class Shell {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type ShellValue = string | number | Shell | readonly (string | number | Shell)[];

/** POSIX single-quote one word. Handles every byte but NUL, which no shell argument can hold. */
export function quote(value: string | number): string {
  const s = String(value);
  if (s.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) && !s.startsWith('-')) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function render(value: ShellValue): string {
  if (value instanceof Shell) return value.text;
  if (Array.isArray(value)) return value.map((v) => render(v as ShellValue)).join(' ');
  return quote(value as string | number);
}

/** Tagged template: sh`test -d ${path} || mkdir -p -- ${path}` */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): Shell {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Shell(out);
}

/** A fragment the caller vouches for (fixed text written in this code base, never user data). */
export function raw(text: string): Shell {
  return new Shell(text);
}

/** Join fragments with newlines into one script. */
export function lines(...parts: (Shell | false | undefined | null)[]): Shell {
  return new Shell(parts.filter((p): p is Shell => p instanceof Shell).map((p) => p.text).join('\n'));
}
