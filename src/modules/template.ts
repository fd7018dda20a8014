import type { RemoteModule } from './types.js';
import { DEPLOY_SCHEMA, deployContent, deployProbes } from './copy.js';
import type { AttrArgs } from './lib/attrs.js';
import { basename } from './lib/paths.js';
import { fail } from './lib/result.js';

export interface TemplateArgs extends AttrArgs {
  src: string;
  dest: string;
  backup?: boolean;
  force?: boolean;
  follow?: boolean;
}

/** ansible.builtin.template: render a controller-side template, then deploy it exactly like copy. */
export const template: RemoteModule<TemplateArgs> = {
  kind: 'remote',
  name: 'template',
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', description: 'Controller-side template file (handlebars), rendered with the task variables.' },
      ...DEPLOY_SCHEMA,
    },
    required: ['src', 'dest'],
    additionalProperties: false,
  },
  docs: {
    summary: 'Render a template on the controller and write the result to the target (atomic, idempotent by checksum).',
    example: "- template:\n    src: templates/nginx.conf.hbs\n    dest: /etc/nginx/nginx.conf\n    mode: '0644'\n    backup: true",
  },
  supportsCheckMode: () => true,
  probes: (args, ctx) => deployProbes(args.dest, basename(args.src), ctx),
  async run(args, ctx) {
    let text: string;
    try {
      text = await ctx.renderTemplate(args.src);
    } catch (e) {
      return fail(`Could not render template ${args.src}: ${(e as Error).message}`, { dest: args.dest, src: args.src });
    }
    return deployContent({ ...args, content: Buffer.from(text, 'utf8'), srcName: basename(args.src) }, ctx);
  },
};
