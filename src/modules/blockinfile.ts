import type { RemoteModule } from './types.js';
import { ATTR_SCHEMA, type AttrArgs } from './lib/attrs.js';
import { blockinfile as placeBlock } from './lib/blockinfile-core.js';
import { editFileProbes, editTextFile } from './lib/edit-file.js';
import { pathArg } from './lib/paths.js';
import { compilePyRegex } from './lib/pyregex.js';
import { fail } from './lib/result.js';

export interface BlockinfileArgs extends AttrArgs {
  path?: string;
  dest?: string;
  block?: string;
  marker?: string;
  marker_begin?: string;
  marker_end?: string;
  state?: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  create?: boolean;
  backup?: boolean;
  prepend_newline?: boolean;
  append_newline?: boolean;
}

/** ansible.builtin.blockinfile: keep a marked block of lines in a text file. */
export const blockinfile: RemoteModule<BlockinfileArgs> = {
  kind: 'remote',
  name: 'blockinfile',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The file to modify (alias: dest).' },
      dest: { type: 'string', description: 'Alias of path.' },
      block: { type: 'string', description: 'The text to keep between the markers. Empty removes the block (like state=absent).' },
      marker: { type: 'string', description: "Marker line template; {mark} becomes marker_begin / marker_end. Default '# {mark} ANSIBLE MANAGED BLOCK'." },
      marker_begin: { type: 'string', description: "Replaces {mark} in the opening marker (default 'BEGIN')." },
      marker_end: { type: 'string', description: "Replaces {mark} in the closing marker (default 'END')." },
      state: { type: 'string', enum: ['present', 'absent'], description: 'Whether the block should be there (default present).' },
      insertafter: { type: 'string', description: "When there is no block yet: insert after the last line matching this regexp, or 'EOF' (default)." },
      insertbefore: { type: 'string', description: "When there is no block yet: insert before the last line matching this regexp, or 'BOF'." },
      create: { type: 'boolean', description: 'Create the file if it is missing (default false: fail).' },
      backup: { type: 'boolean', description: 'Keep the previous file as <path>.<pid>.<timestamp>~ (reported as backup_file).' },
      prepend_newline: { type: 'boolean', description: 'Put a blank line before the block unless there is one.' },
      append_newline: { type: 'boolean', description: 'Put a blank line after the block unless there is one.' },
      ...ATTR_SCHEMA,
    },
    anyOf: [{ required: ['path'] }, { required: ['dest'] }],
    additionalProperties: false,
  },
  docs: {
    summary: 'Insert, update or remove a block of lines surrounded by marker lines.',
    example: "- blockinfile:\n    path: /etc/hosts\n    marker: '# {mark} lab hosts'\n    block: |\n      10.0.0.10 node1\n      10.0.0.11 node2",
  },
  supportsCheckMode: () => true,
  probes: editFileProbes,
  async run(args, ctx) {
    const path = pathArg(args);
    if (!path) return fail('path is required');
    if (args.insertafter !== undefined && args.insertbefore !== undefined) return fail('parameters are mutually exclusive: insertbefore|insertafter', { path });
    const state = args.state ?? 'present';
    return editTextFile(ctx, {
      ...args,
      path,
      result: (r) => ({ changed: r.changed, msg: r.msg, ...(r.backupFile ? { backup_file: r.backupFile } : {}) }),
      // As in Ansible, a missing file fails without create=true, even for state=absent.
      whenMissing: () => {
        if (!args.create) return fail(`Path ${path} does not exist !`, { path, rc: 257 });
        return state === 'absent' ? { changed: false, msg: `File ${path} not present` } : 'create';
      },
      edit: (codec, exists) => {
        const ins = args.insertafter ?? args.insertbefore;
        const keyword = (args.insertafter !== undefined && ins === 'EOF') || (args.insertbefore !== undefined && ins === 'BOF');
        const insertRe = ins === undefined || keyword ? undefined : compilePyRegex(codec.fromUser(ins), '', args.insertafter !== undefined ? 'insertafter' : 'insertbefore');
        const r = placeBlock(exists ? codec.text : undefined, {
          block: codec.fromUser(args.block ?? ''),
          marker: codec.fromUser(args.marker ?? '# {mark} ANSIBLE MANAGED BLOCK'),
          markerBegin: codec.fromUser(args.marker_begin ?? 'BEGIN'),
          markerEnd: codec.fromUser(args.marker_end ?? 'END'),
          state,
          insertafter: args.insertafter,
          insertbefore: args.insertbefore,
          insertRe,
          prependNewline: args.prepend_newline,
          appendNewline: args.append_newline,
        });
        return r;
      },
    });
  },
};
