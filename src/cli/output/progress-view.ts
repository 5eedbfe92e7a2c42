// Its own module so the views (bar, ink) and the picker that loads them do not import each other.
export interface ProgressView {
  /** Stops the view and restores the terminal; safe to call twice. */
  close(): Promise<void>;
}
