import { reportError } from './errors.js';

/** `oasis-play schema [--out DIR]`: writes the JSON Schemas for editors and validate. */
export async function schemaCommand(o: { out: string }): Promise<number> {
  try {
    const { writeSchemas } = await import('../schema/generate.js');
    for (const p of await writeSchemas(o.out)) process.stdout.write(`${p}\n`);
    return 0;
  } catch (e) {
    return reportError(e, 0);
  }
}
