import type { RemoteModule } from './types.js';
import { ATTR_SCHEMA, type AttrArgs } from './lib/attrs.js';
import { editFileProbes, editTextFile } from './lib/edit-file.js';
import { pathArg } from './lib/paths.js';
import { compilePyRegex, pySubn } from './lib/pyregex.js';
import { fail } from './lib/result.js';

export interface ReplaceArgs extends AttrArgs {
  path?: string;
  dest?: string;
  regexp: string;
  replace?: string;
  after?: string;
  before?: string;
  backup?: boolean;
}

/** ansible.builtin.replace: replace every match of a regexp in a file (multiline mode). */
export const replace: RemoteModule<ReplaceArgs> = {
  kind: 'remote',
  name: 'replace',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The file to modify (alias: dest).' },
      dest: { type: 'string', description: 'Alias of path.' },
      regexp: { type: 'string', description: 'Regular expression (Python syntax, MULTILINE: ^ and $ match at every line) to replace everywhere it matches.' },
      replace: { type: 'string', description: "Replacement; may use \\1, \\g<1>, \\g<name>. Default '' (delete the matches)." },
      after: { type: 'string', description: 'Only replace in the text after the first match of this regexp (DOTALL).' },
      before: { type: 'string', description: 'Only replace in the text before the last match of this regexp (DOTALL).' },
      backup: { type: 'boolean', description: 'Keep the previous file as <path>.<pid>.<timestamp>~ (reported as backup_file).' },
      ...ATTR_SCHEMA,
    },
    required: ['regexp'],
    anyOf: [{ required: ['path'] }, { required: ['dest'] }],
    additionalProperties: false,
  },
  docs: {
    summary: 'Replace all instances of a pattern in a file, optionally only between after/before.',
    example: "- replace:\n    path: /etc/hosts\n    regexp: '(\\s+)old\\.host\\.name(\\s+.*)?$'\n    replace: '\\1new.host.name\\2'",
  },
  supportsCheckMode: () => true,
  probes: editFileProbes,
  async run(args, ctx) {
    const path = pathArg(args);
    if (!path) return fail('path is required');
    return editTextFile(ctx, {
      ...args,
      path,
      result: (r) => ({ changed: r.changed, msg: r.msg, rc: 0, ...(r.backupFile ? { backup_file: r.backupFile } : {}) }),
      whenMissing: () => fail(`Path ${path} does not exist !`, { path, rc: 257 }),
      edit: (codec) => {
        const contents = codec.text;
        const after = args.after ? codec.fromUser(args.after) : '';
        const before = args.before ? codec.fromUser(args.before) : '';
        let section = contents;
        let start = 0;
        let end = contents.length;
        // Same section pattern as Ansible: after(?P<subsection>.*?)before, DOTALL.
        const pattern = after && before ? `${after}(?P<subsection>.*?)${before}` : after ? `${after}(?P<subsection>.*)` : before ? `(?P<subsection>.*)${before}` : '';
        if (pattern) {
          const re = compilePyRegex(pattern, 's', 'after/before');
          const m = new RegExp(re.source, re.flags + 'd').exec(contents);
          const span = m?.indices?.groups?.['subsection'];
          if (!m || !span) return { text: contents, changed: false, msg: `Pattern for before/after params did not match the given file: ${pattern}` };
          [start, end] = span;
          section = contents.slice(start, end);
        }
        const [result, count] = pySubn(compilePyRegex(codec.fromUser(args.regexp), 'm'), codec.fromUser(args.replace ?? ''), section);
        if (count === 0 || result === section) return { text: contents, changed: false, msg: '' };
        return { text: contents.slice(0, start) + result + contents.slice(end), changed: true, msg: `${count} replacements made` };
      },
    });
  },
};
