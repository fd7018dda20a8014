import type { RemoteModule } from './types.js';
import { CHECKSUM_ALGORITHMS, inspect, type ChecksumAlgorithm, type Probe } from './lib/inspect.js';
import { formatMode } from './lib/mode.js';
import { fail } from './lib/result.js';

export interface StatArgs {
  path: string;
  follow?: boolean;
  get_checksum?: boolean;
  checksum_algorithm?: ChecksumAlgorithm;
}

/** ansible.builtin.stat: facts about a path, in Ansible's field names. Never changes anything. */
/** The one probe the stat module asks for. */
function statProbes(args: StatArgs): Probe[] {
  // Without follow (Ansible's default) a link is described by itself: its target's stat would be a process for nothing.
  return [{ path: args.path, checksum: args.get_checksum !== false, checksumAlgorithm: args.checksum_algorithm ?? 'sha1', access: true, realpath: true, noFollow: args.follow !== true }];
}

export const stat: RemoteModule<StatArgs> = {
  kind: 'remote',
  name: 'stat',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The path to inspect.' },
      follow: { type: 'boolean', description: 'Follow a symlink and describe what it points to (default false).' },
      get_checksum: { type: 'boolean', description: 'Checksum a regular file (default true).' },
      checksum_algorithm: { type: 'string', enum: [...CHECKSUM_ALGORITHMS], description: 'Checksum algorithm (default sha1, as Ansible).' },
    },
    required: ['path'],
    additionalProperties: false,
  },
  docs: {
    summary: 'Retrieve file or file system status (exists, type, mode, owner, size, checksum, ...).',
    example: '- stat:\n    path: /etc/foo.conf\n  register: foo\n- debug:\n    msg: "foo is a directory"\n  when: foo.stat.exists and foo.stat.isdir',
  },
  supportsCheckMode: () => true,
  probes: statProbes,
  async run(args, ctx) {
    const insp = await inspect(ctx, statProbes(args));
    if ('error' in insp) return fail(`Could not stat ${args.path}: ${insp.error}`, { path: args.path });
    const info = insp.paths[0]!;
    const st = args.follow ? info.stat : info.lstat;
    if (!st) return { changed: false, stat: { exists: false } };
    const m = st.mode;
    const bit = (b: number) => (m & b) !== 0;
    const result: Record<string, unknown> = {
      exists: true,
      path: args.path,
      mode: formatMode(m),
      isdir: st.type === 'directory',
      isreg: st.type === 'file',
      islnk: st.type === 'link',
      ischr: st.type === 'char',
      isblk: st.type === 'block',
      isfifo: st.type === 'fifo',
      issock: st.type === 'socket',
      uid: st.uid,
      gid: st.gid,
      pw_name: st.owner,
      gr_name: st.group,
      size: st.size,
      inode: st.inode,
      dev: st.dev,
      nlink: st.nlink,
      mtime: st.mtime,
      atime: st.atime,
      ctime: st.ctime,
      rusr: bit(0o400),
      wusr: bit(0o200),
      xusr: bit(0o100),
      rgrp: bit(0o040),
      wgrp: bit(0o020),
      xgrp: bit(0o010),
      roth: bit(0o004),
      woth: bit(0o002),
      xoth: bit(0o001),
      isuid: bit(0o4000),
      isgid: bit(0o2000),
      readable: info.access?.readable ?? false,
      writeable: info.access?.writeable ?? false,
      executable: info.access?.executable ?? false,
    };
    if (st.type === 'link') {
      result['lnk_target'] = info.linkTarget;
      result['lnk_source'] = info.realpath;
    }
    if (st.type === 'file' && info.checksum) result['checksum'] = info.checksum;
    return { changed: false, stat: result };
  },
};
