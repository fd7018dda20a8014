import { lines } from '../shell/sh.js';
import type { ModuleContext, ModuleResult, RemoteModule } from './types.js';
import { ATTR_SCHEMA, checkModeArg, statResult } from './lib/attrs.js';
import { HANDLERS, isOutcome, type Env, type FileArgs, type State } from './lib/file-states.js';
import { parseStamps, parseTimeArg, stampProbe } from './lib/file-times.js';
import { finalStatScript, inspect, parseFinalStat, recall, stateOf, type Probe } from './lib/inspect.js';
import { basename, dirname, joinPath, pathArg } from './lib/paths.js';
import { diffLines, fail } from './lib/result.js';
import { eagerDirectory, eagerOutcome } from './lib/eager-write.js';

export type { FileArgs };

/** What runFile inspects: the path, the link source, the parent, and src inside a directory path. */
function fileProbes(args: FileArgs, path: string): Probe[] {
  // Removing needs the path alone, not even a link's target: the parent's or the target's stat
  // would cost the target a process for nothing.
  if (args.state === 'absent') return [{ path, noFollow: true }];
  const src = args.src;
  const srcPath = src === undefined ? path : args.state === 'hard' || src.startsWith('/') ? src : joinPath(dirname(path), src);
  return [
    // A link to src needs only its own target: what it points to is probed as src.
    { path, tree: args.recurse === true, emptiness: args.state === 'link', noFollow: args.state === 'link' && src !== undefined },
    { path: srcPath },
    { path: dirname(path) },
    // Only hard links use it (a src inside a directory dest); without src it repeats probe 0, which inspect() runs once.
    { path: src === undefined ? path : joinPath(path, basename(src)) },
  ];
}

async function runFile(args: FileArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const path = pathArg(args);
  if (path === undefined || path === '') return fail('path is required');
  const modeErr = checkModeArg(args.mode);
  if (modeErr) return fail(modeErr, { path });
  if (args.recurse && args.state !== undefined && args.state !== 'directory') return fail("recurse option requires state to be 'directory'", { path });
  if (args.src !== undefined && args.state !== undefined && args.state !== 'link' && args.state !== 'hard') {
    return fail("src option requires state to be 'link' or 'hard'", { path });
  }
  const timeDefault = args.state === 'touch' ? 'now' : 'preserve';
  const mtime = parseTimeArg(args.modification_time, timeDefault, 'modification_time');
  const atime = parseTimeArg(args.access_time, timeDefault, 'access_time');
  if ('error' in mtime) return fail(mtime.error, { path });
  if ('error' in atime) return fail(atime.error, { path });

  const src = args.src;
  const probes = fileProbes(args, path);
  const stamps = stampProbe([mtime, atime]);
  // A missing directory is made in the inspection's round trip (lib/eager-write.ts); no round
  // trip at all when an earlier inspection has seen everything.
  const known = stamps ? undefined : recall(ctx, probes);
  const eager = known ? undefined : eagerDirectory(args, path, [mtime, atime], ctx);
  const insp = known ?? (await inspect(ctx, probes, stamps, eager?.script));
  if ('error' in insp) return fail(`Could not inspect ${path}: ${insp.error}`, { path });
  const early = eager && eagerOutcome(insp.stdout);
  if (early) {
    if (!early.written) return fail(`Could not set ${path} to state directory: ${early.msg}`, { path });
    return { ...eager.out.result, changed: true, ...statResult(insp.paths[0]!.stat ?? eager.out.predicted) };
  }

  const prev = stateOf(insp.paths[0]!.lstat);
  // Ansible's default: keep what is there ('hard' is just a file here), else a file.
  const state: State = args.state ?? (prev === 'absent' ? (args.recurse ? 'directory' : 'file') : prev === 'hard' ? 'file' : prev);
  if (args.recurse && state !== 'directory') return fail("recurse option requires state to be 'directory'", { path });
  if (src !== undefined && state !== 'link' && state !== 'hard') return fail("src option requires state to be 'link' or 'hard'", { path });

  const env: Env = { args, path, follow: args.follow ?? true, force: args.force ?? false, insp, mtime, atime, stamps: parseStamps(insp.stdout), check: ctx.check };
  const out = HANDLERS[state](env);
  if (!isOutcome(out)) return out;

  const diff = ctx.diff && out.changed ? { diff: { before: diffLines([`path: ${path}`, ...out.before]), after: diffLines([`path: ${path}`, ...out.after]), path } } : {};
  if (!out.changed || ctx.check || !out.script.length) {
    return { ...out.result, changed: out.changed, ...statResult(out.predicted), ...diff };
  }
  const res = await ctx.exec(lines(...out.script, out.statPath !== undefined && finalStatScript(out.statPath, !out.statNoFollow)));
  if (res.code !== 0) {
    return fail(`Could not set ${path} to state ${state}: ${(res.stderr || res.stdout).trim() || `exit code ${res.code}`}`, { path });
  }
  return { ...out.result, changed: true, ...statResult(parseFinalStat(res.stdout) ?? out.predicted), ...diff };
}

/** ansible.builtin.file: files, directories, links and their attributes. */
export const file: RemoteModule<FileArgs> = {
  kind: 'remote',
  name: 'file',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'Path to manage (aliases: dest, name).' },
      dest: { type: 'string', description: 'Alias of path.' },
      name: { type: 'string', description: 'Alias of path.' },
      state: {
        type: 'string',
        enum: ['file', 'directory', 'absent', 'link', 'hard', 'touch'],
        description:
          'file: must exist, set attributes; directory: create (like mkdir -p); absent: remove (recursively); link/hard: symbolic/hard link to src; touch: create or update times. Default: what is there now, else file.',
      },
      src: { type: 'string', description: 'Target of the link (state=link or hard). Relative symlink targets are relative to the link.' },
      recurse: { type: 'boolean', description: 'With state=directory: apply mode/owner/group to everything inside too.' },
      force: { type: 'boolean', description: 'Replace a file or empty directory with a link, or link to a src that does not exist (default false).' },
      follow: { type: 'boolean', description: 'Act on the target when path is a symlink (default true).' },
      modification_time: { type: 'string', description: "'preserve', 'now' or YYYYMMDDHHMM.SS (default: now for touch, else preserve)." },
      access_time: { type: 'string', description: "'preserve', 'now' or YYYYMMDDHHMM.SS (default: now for touch, else preserve)." },
      ...ATTR_SCHEMA,
    },
    anyOf: [{ required: ['path'] }, { required: ['dest'] }, { required: ['name'] }],
    additionalProperties: false,
  },
  docs: {
    summary: 'Manage files, directories, symlinks and hard links, and their mode, owner, group and times.',
    example: "- file:\n    path: /srv/app\n    state: directory\n    owner: app\n    group: app\n    mode: '0755'",
  },
  supportsCheckMode: () => true,
  probes: (args) => {
    const path = pathArg(args);
    return path ? fileProbes(args, path) : [];
  },
  run: runFile,
};
