import type { RemoteModule } from './types.js';
import { commonProperties, guardProbes, runCommand } from './lib-cmd/run.js';

export interface ShellArgs {
  cmd: string;
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline?: boolean;
  strip_empty_ends?: boolean;
  executable?: string;
}

/** ansible.builtin.shell: the text is shell code, run as `executable -c cmd` (default /bin/sh). */
export const shell: RemoteModule<ShellArgs> = {
  kind: 'remote',
  name: 'shell',
  freeForm: 'cmd',
  schema: {
    type: 'object',
    properties: {
      cmd: { type: 'string', description: 'Shell code to run (pipes, redirects, variables and globs work).' },
      executable: { type: 'string', description: 'The shell to run the code with, e.g. /bin/bash. Default /bin/sh.' },
      ...commonProperties,
    },
    required: ['cmd'],
    additionalProperties: false,
  },
  docs: {
    summary: 'Run shell code on the target (through sh, or the given executable).',
    example: '- shell: dmesg | grep -i usb > /tmp/usb.log\n  args:\n    creates: /tmp/usb.log',
  },
  supportsCheckMode: (args) => Boolean(args.creates || args.removes),
  probes: guardProbes,
  async run(args, ctx) {
    if (!args.cmd || args.cmd.trim() === '') return { changed: false, failed: true, rc: 256, msg: 'no command given' };
    // The code is handed over as one quoted argument: it is the user's shell code, never ours.
    return runCommand(
      {
        argv: [args.executable || '/bin/sh', '-c', args.cmd],
        cmd: args.cmd,
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
