/**
 * What a terminal stream may be sent, decided in one place for every output (lag tables, the progress
 * bar, the interactive UI):
 * - color: SGR colours and styles. Off when the stream is not a terminal, NO_COLOR is set to anything
 *   non-empty (https://no-color.org), or TERM=dumb.
 * - cursor: cursor movement, line erasing, screen clearing (the interactive UI, the progress bar,
 *   `lag --watch` redrawing). Off when the stream is not a terminal or TERM=dumb: such terminals get
 *   plain lines.
 */
export interface TerminalCapabilities {
  color: boolean;
  cursor: boolean;
}

export function terminalCapabilities(env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): TerminalCapabilities {
  const tty = Boolean(stream.isTTY);
  const dumb = env.TERM === 'dumb';
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return { color: tty && !dumb && !noColor, cursor: tty && !dumb };
}
