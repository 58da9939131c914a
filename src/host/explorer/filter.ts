/**
 * The tree's filter: a glob when it has * or ? (whole-name match), otherwise a substring; both
 * ignore case. No filter matches everything.
 *
 * The glob is matched by a greedy two-pointer walk (backtracking only to the last `*`), which is
 * linear-times-stars at worst: a filter such as `*a*a*a*a*b` against a long name cannot stall the
 * extension host the way the equivalent `.*a.*a.*…` regular expression does.
 */
export function matchesFilter(name: string, filter: string | undefined): boolean {
  if (!filter) return true;
  if (/[*?]/.test(filter)) return globMatches(name.toLowerCase(), filter.toLowerCase());
  return name.toLowerCase().includes(filter.toLowerCase());
}

function globMatches(name: string, glob: string): boolean {
  let n = 0;
  let g = 0;
  let starAt = -1; // the glob index after the last `*` seen
  let resumeAt = 0; // where in the name that `*` would take one more character from
  while (n < name.length) {
    if (g < glob.length && (glob[g] === '?' || (glob[g] !== '*' && glob[g] === name[n]))) {
      n++;
      g++;
    } else if (g < glob.length && glob[g] === '*') {
      starAt = ++g;
      resumeAt = n;
    } else if (starAt >= 0) {
      g = starAt;
      n = ++resumeAt;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}
