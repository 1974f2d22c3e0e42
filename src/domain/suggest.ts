/**
 * "Did you mean ...?" for app ids, role ids and approver groups typed by hand.
 */

/**
 * Damerau-Levenshtein distance (optimal string alignment): insertions, deletions, substitutions
 * and swaps of two adjacent characters each cost 1, so `salesfroce` is 1 from `salesforce`.
 */
export function editDistance(a: string, b: string): number {
  // Three rolling rows (two back, previous, current) are all a swap needs.
  let twoBack: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (twoBack[j - 2] ?? 0) + 1);
      }
      current.push(best);
    }
    twoBack = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Up to `max` candidates close to `input`, best first, compared case-insensitively. A candidate
 * is close when its edit distance is at most max(2, floor(input length / 3)), or when it starts
 * with the input (`sales` -> `salesforce`). Ties keep the candidates' order.
 */
export function closestMatches(input: string, candidates: readonly string[], max = 3): string[] {
  const needle = input.trim().toLowerCase();
  if (needle === '' || max <= 0) return [];
  const threshold = Math.max(2, Math.floor(needle.length / 3));

  const scored: { candidate: string; score: number; index: number }[] = [];
  const seen = new Set<string>();
  candidates.forEach((candidate, index) => {
    const key = candidate.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    const distance = editDistance(needle, key);
    if (distance <= threshold) {
      scored.push({ candidate, score: distance, index });
    } else if (key.startsWith(needle)) {
      // A prefix can be far in edits yet obviously meant; rank it just after the near misses.
      scored.push({ candidate, score: threshold + 1, index });
    }
  });

  return scored
    .sort((x, y) => x.score - y.score || x.index - y.index)
    .slice(0, max)
    .map((entry) => entry.candidate);
}
