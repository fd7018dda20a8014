/** ANSI colors the way Ansible's `stringc` applies them (ansible/utils/color.py). */

export type ColorName =
  | 'green'
  | 'yellow'
  | 'red'
  | 'cyan'
  | 'blue'
  | 'bright red'
  | 'bright purple'
  | 'dark gray';

const CODES: Record<ColorName, string> = {
  green: '0;32',
  yellow: '0;33',
  red: '0;31',
  cyan: '0;36',
  blue: '0;34',
  'bright red': '1;31',
  'bright purple': '1;35',
  'dark gray': '1;30',
};

/** Ansible's default color config (constants COLOR_*), so output matches what users know. */
export const COLOR = {
  ok: 'green',
  changed: 'yellow',
  error: 'red',
  skip: 'cyan',
  unreachable: 'bright red',
  warn: 'bright purple',
  debug: 'dark gray',
  verbose: 'blue',
  diffAdd: 'green',
  diffRemove: 'red',
  diffLines: 'cyan',
} as const satisfies Record<string, ColorName>;

/** Color each line separately, like Ansible, so a multi-line message never bleeds color. */
export function stringc(text: string, color: ColorName | undefined, enabled: boolean): string {
  if (!enabled || color === undefined) return text;
  const code = CODES[color];
  return text
    .split('\n')
    .map((t) => `\u001b[${code}m${t}\u001b[0m`)
    .join('\n');
}

/** Colors only on a terminal, never when NO_COLOR is set (https://no-color.org). */
export function colorEnabled(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return isTTY && !env.NO_COLOR;
}

/** Ansible's `Display.banner`: message, a space, stars up to the column width (at least 3). */
export function banner(msg: string, columns = 79): string {
  const text = msg.trim();
  const stars = Math.max(3, columns - [...text].length);
  return `${text} ${'*'.repeat(stars)}`;
}
