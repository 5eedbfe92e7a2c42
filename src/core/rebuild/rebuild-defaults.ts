/**
 * How often a rebuild records where it can resume within a partition. Such a checkpoint sends the
 * documents held so far and waits for them, and a document changed again later in the partition is
 * written again. At 5M events over 100k products (partitions of ~830k events) 5 s wrote each document
 * 4.5 times and took 163 s; 30 s wrote each once and took 131 s (same checksum). A crash loses at
 * most this much work besides the partition whose writes were out.
 */
export const DEFAULT_CHECKPOINT_MS = 30_000;

/**
 * Changed documents a rebuild holds before writing them. Read one partition at a time, a partition
 * of up to this many documents is written once per document; a larger one is written in parts (a
 * document changed again after its part went out is written again). About 2 KB of memory each for
 * a product document: 20,000 keep a 1M-event rebuild under 256 MB resident.
 */
export const DEFAULT_HOLD_WRITES = 20_000;
