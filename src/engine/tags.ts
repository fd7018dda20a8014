/** Ansible's tag selection: -t / --skip-tags with the special tags always, never, tagged, untagged, all. */
export interface TagFilter {
  only: string[];
  skip: string[];
}

export function isSelected(taskTags: string[], filter: TagFilter): boolean {
  const tags = new Set(taskTags);
  const only = filter.only.length ? new Set(filter.only) : new Set(['all']);
  const skip = new Set(filter.skip);
  let run: boolean;
  if (tags.has('always') && !skip.has('always')) run = true;
  else if (only.has('all')) run = !tags.has('never');
  else run = false;
  if (!run) {
    const named = [...tags].filter((t) => t !== 'never' && t !== 'always');
    if (named.some((t) => only.has(t))) run = true;
    else if (only.has('tagged') && named.length > 0 && !tags.has('never')) run = true;
    else if (only.has('untagged') && tags.size === 0) run = true;
    else if (tags.has('never') && only.has('never')) run = true;
  }
  if (!run) return false;
  if (skip.has('all') && !(tags.has('always') && !skip.has('always'))) return false;
  if ([...tags].some((t) => skip.has(t))) return false;
  if (skip.has('tagged') && tags.size > 0) return false;
  if (skip.has('untagged') && tags.size === 0) return false;
  return true;
}
