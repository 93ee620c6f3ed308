/**
 * Runs `work` over the items with at most `concurrency` of them under way at once, in the items' order of
 * starting. Stops taking new items once the signal is aborted (those under way finish). The first failure
 * rejects the whole pool once the items under way have settled, as Promise.all would.
 */
export async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (!signal?.aborted && next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
