// Its own module so the views (bar, ink) and the picker that loads them do not import each other.
export interface ProgressView {
  /**
   * Stops the view and restores the terminal; safe to call twice. `error`: what the work failed with,
   * for views that show it before they let go of the terminal (the interactive UI).
   */
  close(outcome?: { error?: unknown }): Promise<void>;
}
