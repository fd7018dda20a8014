import type { RemoteModule } from './types.js';
import { commonProperties, guardProbes, runCommand } from './lib-cmd/run.js';
import { ShlexError, shlexSplit } from './lib-cmd/shlex.js';

export interface CommandArgs {
  cmd?: string;
  argv?: (string | number)[];
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline?: boolean;
  strip_empty_ends?: boolean;
}

/** ansible.builtin.command: runs a program with arguments, no shell in between. */
export const command: RemoteModule<CommandArgs> = {
  kind: 'remote',
  name: 'command',
  freeForm: 'cmd',
  schema: {
    type: 'object',
    properties: {
      cmd: {
        type: 'string',
        description: 'The command to run, split into words with shell-like quoting. No shell features: $VAR, |, ;, >, * are literal.',
      },
      argv: {
        type: 'array',
        items: { type: ['string', 'number'] },
        minItems: 1,
        description: 'The command as a list of words (no splitting at all). Give either cmd or argv.',
      },
      ...commonProperties,
    },
    oneOf: [{ required: ['cmd'] }, { required: ['argv'] }],
    additionalProperties: false,
  },
  docs: {
    summary: 'Run a program on the target with the given arguments (not through a shell).',
    example: '- command: /usr/bin/make install\n  args:\n    chdir: /src/app\n    creates: /usr/local/bin/app',
  },
  supportsCheckMode: (args) => Boolean(args.creates || args.removes),
  probes: guardProbes,
  async run(args, ctx) {
    const fail = (msg: string) => ({ changed: false, failed: true, rc: 256, msg });
    if (args.cmd !== undefined && args.argv !== undefined) return fail('only command or argv can be given, not both');
    let words: string[];
    if (args.argv !== undefined) {
      words = args.argv.map(String);
    } else {
      try {
        words = shlexSplit(args.cmd ?? '');
      } catch (e) {
        if (e instanceof ShlexError) return fail(`cannot split the command: ${e.message}`);
        throw e;
      }
    }
    if (words.length === 0) return fail('no command given');
    return runCommand(
      {
        argv: words,
        cmd: words,
        chdir: args.chdir,
        creates: args.creates,
        removes: args.removes,
        stdin: args.stdin,
        stdinAddNewline: args.stdin_add_newline,
        stripEmptyEnds: args.strip_empty_ends,
      },
      ctx,
    );
  },
};
