/** "Did you mean …?" suggestions for mistyped keys. */

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions ("satrt" -> "start" is 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known key closest to `key`, or undefined when none is close enough to be a plausible typo
 * (about one edit per four characters, at least one, at most three). Failing that, the one known key
 * that starts or ends with `key` as whole words (`employer_core` → `employer_core_contribution`).
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const wanted = key.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 4)));
  let best: { key: string; distance: number } | undefined;
  for (const candidate of [...known].sort()) {
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { key: candidate, distance };
  }
  if (best !== undefined) return best.key;
  const shortened = known.filter((candidate) => {
    const c = candidate.toLowerCase();
    return c !== wanted && (c.startsWith(`${wanted}_`) || c.endsWith(`_${wanted}`));
  });
  return shortened.length === 1 ? shortened[0] : undefined;
}
