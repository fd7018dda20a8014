/** State shared by one validation: where problems go, and what was already read or checked. */
import { statSync } from 'node:fs';
import type { SourcePos } from '../model/source.js';
import { UserError } from '../model/source.js';
import { InventoryErrors } from '../inventory/types.js';
import { loadYamlFileSync, MAX_YAML_BYTES, posOf, type YamlFile } from '../config/yaml.js';
import { ModuleRegistry } from '../modules/registry.js';
import { TemplateEngine } from '../template/engine.js';
import type { Problems } from './problems.js';
import type { Refs } from './names.js';
import { SchemaChecker, type Locate } from './schema-check.js';

export interface ValidateCtx {
  out: Problems;
  schemas: SchemaChecker;
  modules: ModuleRegistry;
  templates: TemplateEngine;
  /** Parsed YAML by absolute path; undefined when it could not be read (already reported). */
  yaml: Map<string, YamlFile | undefined>;
  /** Template files whose syntax was checked: the variables they read when they compile, else undefined. */
  templatesChecked: Map<string, Refs | undefined>;
}

export function newValidateCtx(out: Problems): ValidateCtx {
  return { out, schemas: new SchemaChecker(), modules: new ModuleRegistry(), templates: new TemplateEngine(), yaml: new Map(), templatesChecked: new Map() };
}

/** Reads and parses a YAML file once; reports why it cannot be, without reading huge files. */
export function loadYaml(ctx: ValidateCtx, file: string): YamlFile | undefined {
  if (ctx.yaml.has(file)) return ctx.yaml.get(file);
  let src: YamlFile | undefined;
  try {
    const size = statSync(file).size;
    if (size > MAX_YAML_BYTES) {
      throw new UserError(`file is ${(size / 1048576).toFixed(1)} MB; YAML files over ${MAX_YAML_BYTES / 1048576} MB are refused`, { file, line: 1, col: 1 });
    }
    src = loadYamlFileSync(file);
  } catch (e) {
    reportThrown(ctx, e, { file, line: 1, col: 1 });
  }
  ctx.yaml.set(file, src);
  return src;
}

/** A UserError (or a template/inventory error) as a problem; anything else is a bug and rethrown. */
export function reportThrown(ctx: ValidateCtx, e: unknown, at: SourcePos): void {
  const err = e as Error & { pos?: SourcePos; reason?: string; file?: string; line?: number; col?: number; code?: string };
  if (e instanceof InventoryErrors) {
    for (const one of e.all) ctx.out.error({ file: one.file, line: one.line, col: one.col }, one.reason);
    return;
  }
  if (e instanceof Error && (err.name === 'InventoryError' || err.name === 'TemplateError')) {
    return ctx.out.error({ file: err.file!, line: err.line!, col: err.col! }, err.reason!);
  }
  if (e instanceof UserError) {
    const pos = e.pos;
    const message = pos ? e.message.slice(`${pos.file}:${pos.line}:${pos.col}: `.length) : e.message.replace(/^cannot read .*: (\w+)$/, 'cannot read: $1');
    return ctx.out.error(pos ?? at, message);
  }
  if (e instanceof Error && typeof err.code === 'string') return ctx.out.error(at, `cannot read: ${err.code}`);
  throw e;
}

/** Positions of values below `root` (a mapping or list from `src`), by key path. */
export function locator(src: YamlFile, root: unknown, fallback: SourcePos): Locate {
  return (path) => {
    let parent: unknown = root;
    for (const seg of path.slice(0, -1)) {
      if (typeof parent !== 'object' || parent === null || !Object.hasOwn(parent, seg)) return posOf(src, parent) ?? fallback;
      parent = (parent as Record<string, unknown>)[seg];
    }
    const last = path.at(-1);
    return posOf(src, parent, last) ?? posOf(src, root) ?? fallback;
  };
}

/** Where `key` of `obj` was written, else the mapping, else `fallback`. */
export function keyPos(src: YamlFile, obj: unknown, key: string | undefined, fallback: SourcePos): SourcePos {
  return posOf(src, obj, key) ?? posOf(src, obj) ?? fallback;
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every string inside a value, with the position of the key (or list item) holding it. */
export function eachString(src: YamlFile, value: unknown, at: SourcePos, fn: (s: string, pos: SourcePos) => void, depth = 0): void {
  if (typeof value === 'string') return fn(value, at);
  if (depth > 50 || typeof value !== 'object' || value === null) return;
  for (const k of Object.keys(value)) {
    eachString(src, (value as Record<string, unknown>)[k], posOf(src, value, k) ?? at, fn, depth + 1);
  }
}
