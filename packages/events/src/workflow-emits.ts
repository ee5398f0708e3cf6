/**
 * A workflow task can run twice without being replayed: when the server refuses its completion
 * (a signal arrived while it ran and it tried to complete the run), the task runs again from the
 * last completed one, and its code after that point is new, not replay, so its sink calls happen
 * again. Each workflow event carries its number in the run (counted in workflow code, so the
 * re-run counts the same); a number seen before is dropped. Kept per process (the re-run lands on
 * the same worker unless that worker died): the most recent `capacity` numbers.
 */
export function workflowEmitDeduper(capacity = 50_000): (runId: string, seq: number | undefined) => boolean {
  const seen = new Set<string>();
  return (runId, seq) => {
    if (seq === undefined) return true; // from a bundle before the numbering: nothing to compare
    const key = `${runId}:${seq}`;
    if (seen.has(key)) return false;
    seen.add(key);
    // a Set iterates in insertion order: the first is the oldest
    if (seen.size > capacity) seen.delete(seen.values().next().value!);
    return true;
  };
}
