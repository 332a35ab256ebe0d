/**
 * A small promise pool: runs `worker` over `items` with at most `limit` in flight, in item order.
 * Once `stopped()` turns true no further item starts; those already running are awaited.
 * `worker` must not throw (the batch records every outcome itself).
 */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !stopped()) {
      const index = next++;
      await worker(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
