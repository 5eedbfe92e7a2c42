import type { ProgressBus } from '../../../core/progress/progress-events.js';
import { initialTuiState, reduceTui, type TuiAction, type TuiState } from './tui-state.js';

export interface TuiStore {
  getState(): TuiState;
  /** For React's useSyncExternalStore: listeners hear about changes at most once per throttle window. */
  subscribe(listener: () => void): () => void;
  dispatch(action: TuiAction): void;
  /** Notifies listeners now, whatever the throttle says (the final frame before unmounting). */
  flush(): void;
  /** Stops listening to the bus and the clock. */
  stop(): void;
}

export interface TuiStoreOptions {
  /** Minimum time between re-renders; 0 notifies on every event (tests). Default 100 ms. */
  throttleMs?: number;
  /** Clock ticks (elapsed time, "no progress for …"); 0 disables. Default 1000 ms. */
  tickMs?: number;
  maxMessages?: number;
  now?: () => number;
}

/**
 * Folds every event into the state as it arrives (none is dropped) but tells the screen about it at
 * most once per `throttleMs`, with a trailing notification so the last event is always shown.
 */
export function createTuiStore(bus: ProgressBus | undefined, opts: TuiStoreOptions = {}): TuiStore {
  const now = opts.now ?? Date.now;
  const throttleMs = opts.throttleMs ?? 100;
  const tickMs = opts.tickMs ?? 1000;
  let state = initialTuiState(now(), opts.maxMessages !== undefined ? { maxMessages: opts.maxMessages } : {});
  const listeners = new Set<() => void>();
  let lastNotify = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const notify = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    lastNotify = now();
    for (const l of [...listeners]) l();
  };
  const schedule = () => {
    if (throttleMs <= 0) return notify();
    if (timer) return;
    const wait = throttleMs - (now() - lastNotify);
    if (wait <= 0) return notify();
    timer = setTimeout(notify, wait);
    timer.unref?.();
  };

  const store: TuiStore = {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispatch(action) {
      state = reduceTui(state, action, now());
      if (!stopped) schedule();
    },
    flush: notify,
    stop() {
      stopped = true;
      off?.();
      if (ticker) clearInterval(ticker);
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
  const off = bus?.subscribe((e) => store.dispatch(e));
  const ticker = tickMs > 0 ? setInterval(() => store.dispatch({ type: 'ui:tick' }), tickMs) : undefined;
  ticker?.unref?.();
  return store;
}
