import { createHash } from 'node:crypto';
import type { JsonSchema, ModuleContext, ModuleResult, RemoteModule } from './types.js';
import { ATTR_SCHEMA, applyAttrs, checkModeArg, planAttrs, planChanges, predictStat, statResult, type AttrArgs } from './lib/attrs.js';
import { inspect, recall, type PathInfo, type Probe } from './lib/inspect.js';
import { applyMode, defaultMode, formatMode, parseMode } from './lib/mode.js';
import { ancestors, basename, dirname, joinPath } from './lib/paths.js';
import { diffLines, fail, makeDiff } from './lib/result.js';
import { diffText } from './lib/text.js';
import { writeFile } from './lib/write-file.js';
import { assumedByEarlierTask } from './lib/edit-file.js';
import { eagerOutcome, eagerProbes, eagerWriteScript } from './lib/eager-write.js';

export interface CopyArgs extends AttrArgs {
  dest: string;
  content?: string;
  src?: string;
  backup?: boolean;
  force?: boolean;
  follow?: boolean;
  directory_mode?: string | number;
}

/** Largest existing file whose content is fetched for --diff (Ansible's default max_diff_size). */
const MAX_DIFF = 104_448;

/** Schema properties shared by copy and template. */
export const DEPLOY_SCHEMA: Record<string, JsonSchema> = {
  dest: {
    type: 'string',
    description: 'Remote path to write. Ending in / or naming an existing directory: the file goes inside it, named after src.',
  },
  backup: { type: 'boolean', description: 'Keep the previous file as <dest>.<pid>.<timestamp>~ (reported as backup_file).' },
  force: { type: 'boolean', description: 'Replace a file whose content differs (default true). False: only create the file if missing.' },
  follow: { type: 'boolean', description: 'If dest is a symlink, write the file it points to instead of replacing the link (default false).' },
  ...ATTR_SCHEMA,
};

export interface DeployOptions extends AttrArgs {
  dest: string;
  content: Buffer;
  /** Name to use inside a directory dest (basename of src); absent for inline content. */
  srcName?: string;
  /** Reported back as `src`. */
  src?: string;
  backup?: boolean;
  force?: boolean;
  follow?: boolean;
  directoryMode?: string | number;
}

/** What deployContent inspects first: dest, its directory, and dest/<src name> in case dest is a directory. */
export function deployProbes(dest: string, srcName: string | undefined, ctx: Pick<ModuleContext, 'diff'>): Probe[] {
  const destDir = dest.endsWith('/') ? dest.replace(/\/+$/, '') || '/' : dest;
  const probes: Probe[] = [
    { path: destDir, checksum: true, content: ctx.diff, maxContent: MAX_DIFF },
    { path: dirname(destDir) },
  ];
  if (srcName !== undefined) probes.push({ path: joinPath(destDir, srcName), checksum: true, content: ctx.diff, maxContent: MAX_DIFF });
  return probes;
}

/**
 * Puts `content` at `dest` the way ansible.builtin.copy does: compare sha1 on the target, write
 * atomically only when it differs, then settle mode/owner/group. Shared by copy and template.
 */
export async function deployContent(o: DeployOptions, ctx: ModuleContext): Promise<ModuleResult> {
  for (const m of [o.mode, o.directoryMode]) {
    const err = checkModeArg(m);
    if (err) return fail(err, { dest: o.dest });
  }
  const slash = o.dest.endsWith('/');
  if (slash && o.srcName === undefined) return fail(`can not use content with a dir as dest: ${o.dest}`, { dest: o.dest });
  const destDir = slash ? o.dest.replace(/\/+$/, '') || '/' : o.dest;
  const probes = deployProbes(o.dest, o.srcName, ctx);
  const checksum = createHash('sha1').update(o.content).digest('hex');
  // A changed file in one round trip where the write does not depend on the inspection
  // (lib/eager-write.ts); none at all when an earlier inspection has seen it all.
  const known = recall(ctx, probes);
  const eager = known ? undefined : eagerWriteScript({ ...o, dest: destDir, checksum }, ctx);
  const insp = known ?? (await inspect(ctx, eager ? eagerProbes(probes) : probes, undefined, eager));
  if ('error' in insp) return fail(`Could not inspect ${o.dest}: ${insp.error}`, { dest: o.dest });
  const early = eager && eagerOutcome(insp.stdout);
  if (early) {
    const base = { dest: destDir, ...(o.src !== undefined ? { src: o.src } : {}) };
    if (!early.written) return fail(`Could not write ${destDir}: ${early.msg}`, base);
    return { ...base, checksum, size: o.content.length, state: 'file', changed: true, ...statResult(insp.paths[0]!.stat) };
  }
  const [atDest, parent, inDir] = insp.paths as [PathInfo, PathInfo, PathInfo | undefined];

  // Where the file goes: dest itself, or inside it when dest is (or is meant to be) a directory.
  let target = atDest;
  let createDirs: string[] = [];
  if (slash || atDest.stat?.type === 'directory') {
    if (!inDir) return fail(`can not use content with a dir as dest: ${o.dest}`, { dest: o.dest });
    target = inDir;
    if (!atDest.stat) createDirs = ancestors(destDir);
    else if (atDest.stat.type !== 'directory') return fail(`Destination ${destDir} exists and is not a directory`, { dest: o.dest });
  } else if (parent.stat?.type !== 'directory') {
    if (ctx.check && !parent.stat) return { ...assumedByEarlierTask(dirname(destDir)), dest: o.dest };
    return fail(`Destination directory ${dirname(destDir)} does not exist`, { dest: o.dest });
  }
  const dest = target.path;
  const base = { dest, ...(o.src !== undefined ? { src: o.src } : {}) };
  const current = target.stat;
  if (current?.type === 'directory') return fail(`Destination ${dest} is a directory`, base);
  if (target.lstat && o.force === false) return { ...base, changed: false, msg: 'file already exists' };

  const result = { ...base, checksum, size: o.content.length, state: 'file' };

  if (!current || target.checksum !== checksum) {
    const mode = o.mode === undefined ? undefined : applyMode(parseMode(o.mode), current?.mode ?? defaultMode(insp.umask, false), { isDir: false, umask: insp.umask });
    const dirMode = o.directoryMode === undefined ? undefined : applyMode(parseMode(o.directoryMode), defaultMode(insp.umask, true), { isDir: true, umask: insp.umask });
    const before = target.contentTooLarge ? '[content not shown: file is larger than the diff limit]\n' : diffText(target.content);
    const diff = makeDiff(ctx.diff, before, diffText(o.content), dest);
    if (ctx.check) {
      return { ...result, changed: true, ...(mode !== undefined ? { mode: formatMode(mode) } : {}), ...diff };
    }
    const w = await writeFile(ctx, {
      path: dest,
      content: o.content,
      mode,
      owner: o.owner === undefined ? undefined : String(o.owner),
      group: o.group === undefined ? undefined : String(o.group),
      backup: o.backup,
      follow: o.follow,
      ...(createDirs.length ? { createDirs: { paths: createDirs, mode: dirMode } } : {}),
    });
    if (!w.ok) return fail(w.msg, base);
    return { ...result, changed: true, ...statResult(w.stat), ...(w.backupFile ? { backup_file: w.backupFile } : {}), ...diff };
  }

  // Same content: only the attributes may need to change.
  const plan = planAttrs(o, current, insp.umask);
  if (!planChanges(plan)) return { ...result, changed: false, ...statResult(current) };
  const diff = makeDiff(ctx.diff, diffLines(plan.before), diffLines(plan.after), dest);
  if (ctx.check) return { ...result, changed: true, ...statResult(predictStat(current, plan)), ...diff };
  const applied = await applyAttrs(ctx, dest, plan);
  if (!applied.ok) return fail(applied.msg, base);
  return { ...result, changed: true, ...statResult(applied.stat ?? predictStat(current, plan)), ...diff };
}

/** ansible.builtin.copy: put a controller file or inline content on the target. */
export const copy: RemoteModule<CopyArgs> = {
  kind: 'remote',
  name: 'copy',
  schema: {
    type: 'object',
    properties: {
      content: { type: 'string', description: 'Text to write to dest (instead of src).' },
      src: { type: 'string', description: 'Controller-side file to copy (resolved against the playbook/role files dirs). Directories are not supported.' },
      ...DEPLOY_SCHEMA,
      directory_mode: { type: ['string', 'integer'], description: 'Mode of directories created for a dest ending in /.' },
    },
    required: ['dest'],
    oneOf: [{ required: ['content'] }, { required: ['src'] }],
    additionalProperties: false,
  },
  docs: {
    summary: 'Copy a controller file, or inline content, to the target (atomic write, idempotent by checksum).',
    example: "- copy:\n    src: files/motd\n    dest: /etc/motd\n    owner: root\n    group: root\n    mode: '0644'\n    backup: true",
  },
  supportsCheckMode: () => true,
  probes: (args, ctx) => deployProbes(args.dest, args.src === undefined ? undefined : basename(args.src), ctx),
  async run(args, ctx) {
    if ((args.content === undefined) === (args.src === undefined)) return fail('exactly one of src or content is required', { dest: args.dest });
    let content: Buffer;
    if (args.src !== undefined) {
      if (args.src.endsWith('/')) return fail(`src ${args.src} is a directory: copying directories is not supported`, { dest: args.dest });
      try {
        content = await ctx.readLocalFile(args.src);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === 'EISDIR' ? 'it is a directory (copying directories is not supported)' : (e as Error).message;
        return fail(`Could not read src ${args.src}: ${why}`, { dest: args.dest, src: args.src });
      }
    } else {
      content = Buffer.from(args.content ?? '', 'utf8');
    }
    return deployContent(
      {
        ...args,
        content,
        srcName: args.src === undefined ? undefined : basename(args.src),
        directoryMode: args.directory_mode,
      },
      ctx,
    );
  },
};
