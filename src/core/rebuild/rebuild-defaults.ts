/** How often a rebuild records where it can resume within a partition (a checkpoint waits for the writes in flight). */
export const DEFAULT_CHECKPOINT_MS = 5000;

/**
 * Changed documents a rebuild holds before writing them. Read one partition at a time, a partition
 * of up to this many documents is written once per document; a larger one is written in parts (a
 * document changed again after its part went out is written again). About 2 KB of memory each for
 * a product document: 20,000 keep a 1M-event rebuild under 256 MB resident.
 */
export const DEFAULT_HOLD_WRITES = 20_000;
