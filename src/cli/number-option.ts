import { UserError } from '../model/source.js';

/** A numeric option's value, or exit 5 (Ansible's bad options) naming the flag and what it got. */
export function numberOption(value: string, flag: string, min: number, what = 'a number'): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new UserError(`${flag} must be ${what} ≥ ${min}, got '${value}'`, undefined, 5);
  return n;
}
