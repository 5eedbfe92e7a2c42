/**
 * Bulk requests in flight (pipelining): at most `maxInFlight` at once. The first failure is kept and
 * thrown by the next call, so no later batch counts as written after an earlier one failed.
 */
export interface WriteQueue {
  /** Throws the first failure of a queued write, if any. */
  check(): void;
  /** Waits until another write may start. */
  whenRoom(): Promise<void>;
  add(write: Promise<void>): void;
  /** Waits for every queued write; throws the first failure. */
  settle(): Promise<void>;
}

export function createWriteQueue(maxInFlight: number): WriteQueue {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const check = () => {
    if (failure) throw failure;
  };
  return {
    check,
    async whenRoom() {
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      check();
    },
    add(write) {
      const p: Promise<void> = write
        .catch((err) => {
          failure ??= err;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    async settle() {
      await Promise.all(inFlight);
      check();
    },
  };
}
