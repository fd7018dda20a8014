/**
 * The `vars:` keyword as Ansible reads it: a mapping, or a list of mappings merged in order
 * (the older form `vars: [{a: 1}, {b: 2}]`). Undefined when it is neither.
 */
export function varsOf(value: unknown): Record<string, unknown> | undefined {
  const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (value === undefined || value === null) return {};
  if (isMapping(value)) return value;
  if (Array.isArray(value) && value.every(isMapping)) return Object.assign({}, ...value) as Record<string, unknown>;
  return undefined;
}
