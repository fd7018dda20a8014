/** Inventories: YAML ones against the schema (every problem), then as the run would load them. */
import { extname } from 'node:path';
import { loadInventories } from '../inventory/load.js';
import { shownPath } from './problems.js';
import { isMapping, loadYaml, locator, reportThrown, type ValidateCtx } from './context.js';

const YAML_EXTS = ['.yml', '.yaml', '.json'];

export async function checkInventory(ctx: ValidateCtx, file: string): Promise<void> {
  const at = { file, line: 1, col: 1 };
  if (YAML_EXTS.includes(extname(file).toLowerCase())) {
    const src = loadYaml(ctx, file);
    if (!src) return;
    if (src.value !== null && !isMapping(src.value)) return ctx.out.error(at, 'a YAML inventory is a mapping of group names (all:, web:, …)');
    const n = ctx.schemas.check('inventory.schema.json', undefined, src.value, locator(src, src.value, at), ctx.out, {
      unknownKey: () => undefined,
    });
    // The loader stops at its first problem: only worth asking when the schema found none.
    if (n > 0) return;
  }
  try {
    const { warnings } = await loadInventories([file]);
    const shown = `${shownPath(file)}: `;
    for (const w of warnings) ctx.out.warning(at, w.startsWith(shown) ? w.slice(shown.length) : w);
  } catch (e) {
    reportThrown(ctx, e, at);
  }
}
