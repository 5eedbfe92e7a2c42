import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

let governed = false;

/** Whether governMemory ran in this process. */
export function memoryGoverned(): boolean {
  return governed;
}

/**
 * Young generation size (both semi-spaces) above which it may not grow further. A rebuild's 1M-event
 * peak RSS: 247-263 MB at 16 MB, 238-241 MB at 8 MB (what a third more collections cost: ~5% more time).
 */
const YOUNG_BYTES = 8 * 1024 * 1024;
/**
 * The old generation may grow to 1.3x its live size before a full collection (V8: up to 4x). At 2M
 * events / 200k products: 100% peaked at 264 MB, 70% at 248 MB, 50% at 228 MB (for ~15% more CPU).
 * Since a rebuild holds a partition's documents until the partition ends (a larger live set, written
 * once), 1M events / 100k products peaked at 253-294 MB with 50% and 241-253 MB with 30%, for ~10%
 * more CPU.
 */
const HEAP_GROWING_PERCENT = 30;

/**
 * Bounded memory without asking operators for V8 flags. By default V8 grows the young generation to
 * tens of MB and lets the old one reach up to 4x its live size before collecting: a rebuild whose live
 * set stays under 100 MB peaked at 420 MB resident. `--max-semi-space-size` cannot be set once the
 * heap exists, but the growth factor and the heap growing percent are read by V8 at each collection:
 * growth stops once the young generation reaches YOUNG_BYTES (and resumes if V8 shrinks it). Flags
 * the operator gave (NODE_OPTIONS or the command line) win. Measured on a 1M-event rebuild (100k
 * products): peak RSS 499 -> ~230 MB.
 *
 * Started only by the commands declared with withMemoryGovernor (command-kit.ts), once per process.
 */
export function governMemory(given = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`): void {
  if (governed) return;
  governed = true;
  const has = (name: string) => given.includes(name) || given.includes(name.replaceAll('-', '_'));
  if (!has('heap-growing-percent')) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  if (has('semi-space')) return;
  let factor = 2;
  const check = () => {
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    const want = young && young.space_size >= YOUNG_BYTES ? 1 : 2;
    if (want === factor) return;
    factor = want;
    setFlagsFromString(`--semi-space-growth-factor=${want}`);
  };
  setInterval(check, 25).unref();
}
