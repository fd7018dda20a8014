import type { RemoteModule } from './types.js';
import { ATTR_SCHEMA, type AttrArgs } from './lib/attrs.js';
import { editFileProbes, editTextFile } from './lib/edit-file.js';
import { absent, present } from './lib/lineinfile-core.js';
import { pathArg } from './lib/paths.js';
import { compilePyRegex } from './lib/pyregex.js';
import { fail } from './lib/result.js';
import { readLines } from './lib/text.js';

export interface LineinfileArgs extends AttrArgs {
  path?: string;
  dest?: string;
  line?: string;
  regexp?: string;
  search_string?: string;
  state?: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  create?: boolean;
  backrefs?: boolean;
  backup?: boolean;
  firstmatch?: boolean;
}

/** ansible.builtin.lineinfile: ensure one line is (or is not) in a text file. */
export const lineinfile: RemoteModule<LineinfileArgs> = {
  kind: 'remote',
  name: 'lineinfile',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The file to modify (alias: dest).' },
      dest: { type: 'string', description: 'Alias of path.' },
      line: { type: 'string', description: 'The line to insert or replace with (required for state=present). With backrefs, may use \\1 or \\g<name>.' },
      regexp: { type: 'string', description: 'Regular expression (Python syntax) looked for in every line; the last match is replaced (state=present) or every match removed (absent).' },
      search_string: { type: 'string', description: 'Literal string looked for in every line, like regexp but without escaping.' },
      state: { type: 'string', enum: ['present', 'absent'], description: 'Whether the line should be there (default present).' },
      insertafter: { type: 'string', description: "Insert after the last line matching this regexp, or 'EOF' (default) / 'BOF'. Used only when regexp/search_string does not match." },
      insertbefore: { type: 'string', description: "Insert before the last line matching this regexp, or 'BOF'." },
      create: { type: 'boolean', description: 'Create the file if it is missing (default false: fail).' },
      backrefs: { type: 'boolean', description: 'Expand backreferences of regexp in line; if regexp does not match, change nothing.' },
      backup: { type: 'boolean', description: 'Keep the previous file as <path>.<pid>.<timestamp>~ (reported as backup).' },
      firstmatch: { type: 'boolean', description: 'insertafter/insertbefore use the first matching line instead of the last.' },
      ...ATTR_SCHEMA,
    },
    anyOf: [{ required: ['path'] }, { required: ['dest'] }],
    additionalProperties: false,
  },
  docs: {
    summary: 'Ensure a particular line is in a file, or replace an existing line matched by a regular expression.',
    example: "- lineinfile:\n    path: /etc/ssh/sshd_config\n    regexp: '^#?PermitRootLogin'\n    line: PermitRootLogin no\n    backup: true",
  },
  supportsCheckMode: () => true,
  probes: editFileProbes,
  async run(args, ctx) {
    const path = pathArg(args);
    if (!path) return fail('path is required');
    const state = args.state ?? 'present';
    if (args.insertafter !== undefined && args.insertbefore !== undefined) return fail('parameters are mutually exclusive: insertbefore|insertafter', { path });
    if (args.regexp !== undefined && args.search_string !== undefined) return fail('parameters are mutually exclusive: regexp|search_string', { path });
    if (args.backrefs && args.search_string !== undefined) return fail('parameters are mutually exclusive: backrefs|search_string', { path });
    if (state === 'present') {
      if (args.backrefs && args.regexp === undefined) return fail('regexp is required with backrefs=true', { path });
      if (args.line === undefined) return fail('line is required with state=present', { path });
    } else if (args.line === undefined && args.regexp === undefined && args.search_string === undefined) {
      return fail('one of line, search_string, or regexp is required with state=absent', { path });
    }

    return editTextFile(ctx, {
      ...args,
      path,
      // Ansible's keys: `backup` is the backup's path, or '' when none was made.
      result: (r) => ({ changed: r.changed, msg: r.msg, backup: r.backupFile ?? '', ...r.extra }),
      whenMissing: () => {
        if (state === 'absent') return { changed: false, msg: 'file not present' };
        return args.create ? 'create' : fail(`Destination ${path} does not exist !`, { path, rc: 257 });
      },
      edit: (codec) => {
        const lines = readLines(codec.text);
        const regexp = args.regexp === undefined ? undefined : compilePyRegex(codec.fromUser(args.regexp));
        const searchString = args.search_string === undefined ? undefined : codec.fromUser(args.search_string);
        if (state === 'absent') {
          const r = absent(lines, { line: args.line === undefined ? undefined : codec.fromUser(args.line), regexp, searchString });
          return { text: r.lines.join(''), changed: r.changed, msg: r.msg, extra: { found: r.found } };
        }
        const ins = args.insertafter ?? args.insertbefore;
        // As in Ansible, 'EOF' is a keyword only for insertafter (for insertbefore it is a pattern).
        const keyword = ins === 'BOF' || (ins === 'EOF' && args.insertafter !== undefined);
        const insertRe = ins === undefined || keyword ? undefined : compilePyRegex(codec.fromUser(ins), '', args.insertafter !== undefined ? 'insertafter' : 'insertbefore');
        const r = present(lines, {
          line: codec.fromUser(args.line!),
          regexp,
          searchString,
          insertafter: args.insertafter,
          insertbefore: args.insertbefore,
          insertRe,
          backrefs: args.backrefs,
          firstmatch: args.firstmatch,
        });
        return { text: r.lines.join(''), changed: r.changed, msg: r.msg };
      },
    });
  },
};
