/** Target paths are POSIX whatever the controller runs on. */
import { posix } from 'node:path';

export const dirname = posix.dirname;
export const basename = posix.basename;

/** `dir` + `name`, without doubling a trailing slash. */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** The directories from the top down to `dir` itself: 'a/b/c' → ['a', 'a/b', 'a/b/c']. */
export function ancestors(dir: string): string[] {
  const abs = dir.startsWith('/');
  const parts = dir.split('/').filter((p) => p !== '' && p !== '.');
  return parts.map((_, i) => (abs ? '/' : '') + parts.slice(0, i + 1).join('/'));
}

/** Picks the path argument among its Ansible aliases. */
export function pathArg(args: { path?: string; dest?: string; destfile?: string; name?: string }): string | undefined {
  return args.path ?? args.dest ?? args.destfile ?? args.name;
}
