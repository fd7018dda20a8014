/** Inventories: YAML ones against the schema (every problem), then as the run would load them. */
import { extname } from 'node:path';
import { loadInventories } from '../inventory/load.js';
import { shownPath, type SourcePos } from '../model/source.js';
import { isMapping, loadYaml, locator, reportThrown, type ValidateCtx } from './context.js';
import { posOf, type YamlFile } from '../config/yaml.js';
import { INLINE_VAR } from '../discovery/candidates.js';
import { inlineMetadata } from '../discovery/evaluate.js';

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
    checkInlineMetadata(ctx, src, src.value, at);
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

/** Every `oasis_metadata` (a mock node's meta-data.json) against the node metadata schema, at the key it is about. */
function checkInlineMetadata(ctx: ValidateCtx, src: YamlFile, node: unknown, at: SourcePos): void {
  if (!isMapping(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key !== INLINE_VAR) {
      checkInlineMetadata(ctx, src, value, at);
      continue;
    }
    if (!isMapping(value)) continue; // the inventory schema says so already
    const keyPos = posOf(src, node, key) ?? at;
    const locate = locator(src, value, keyPos);
    for (const { path, message } of inlineMetadata(value).problems) {
      ctx.out.error(path.length ? locate(path) : keyPos, `${INLINE_VAR}${path.map((k) => `.${k}`).join('')}: ${message}`);
    }
  }
}
