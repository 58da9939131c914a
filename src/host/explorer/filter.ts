/**
 * The tree's filter: a glob when it has * or ? (whole-name match), otherwise a substring; both
 * ignore case. No filter matches everything.
 */
export function matchesFilter(name: string, filter: string | undefined): boolean {
  if (!filter) return true;
  if (/[*?]/.test(filter)) {
    const pattern = filter.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(`^${pattern}$`, 'i').test(name);
  }
  return name.toLowerCase().includes(filter.toLowerCase());
}
