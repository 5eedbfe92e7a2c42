import { Writable } from 'node:stream';
import { render, type Instance } from 'ink';
import { AbortedError, isReadmodelError } from '../../core/errors.js';
import type { ProgressBus } from '../../core/progress/progress-events.js';
import type { CliIO } from '../cli-io.js';
import type { ProgressView } from './progress-view.js';
import { RebuildScreen } from './tui/RebuildScreen.js';
import { ColorContext } from './tui/Styled.js';
import { createTuiStore } from './tui/tui-store.js';

type Out = CliIO['stdout'];

/**
 * The interactive terminal UI. Ink owns the terminal from here until close(): it renders to the real
 * stdout and reads keys from stdin in raw mode (so Ctrl-C arrives as a key, not as SIGINT, and is
 * handled here like `q`: the work is asked to stop via io.abort()).
 *
 * While the UI is mounted, whatever the command writes to io.stdout / io.stderr is held back (and
 * stderr text is also shown in the warnings section), then written out in order after the last frame,
 * so result lines print normally below the screen instead of tearing through it.
 */
export async function attachInkView(bus: ProgressBus, io: CliIO, opts: { color: boolean }): Promise<ProgressView> {
  const store = createTuiStore(bus);
  const realStdout = io.stdout;
  const realStderr = io.stderr;

  const abort = () => {
    if (io.abort) io.abort(new AbortedError('aborted by the operator'));
    // Without an abort hook, do what Ctrl-C does outside raw mode: signal ourselves.
    else process.kill(process.pid, 'SIGINT');
  };
  const forceQuit = () => {
    // The operator insists: leave the terminal usable, then deliver the SIGINT that raw mode swallowed;
    // the CLI's handler treats a second interrupt as "exit now" (130).
    void close().then(() => process.kill(process.pid, 'SIGINT'));
  };
  const app = () => (
    <ColorContext.Provider value={opts.color}>
      <RebuildScreen store={store} onAbort={abort} onForceQuit={forceQuit} inputEnabled={Boolean(io.stdin?.isTTY)} />
    </ColorContext.Provider>
  );

  let instance: Instance;
  try {
    instance = render(app(), {
      stdout: realStdout as NodeJS.WritableStream,
      stderr: realStderr as NodeJS.WritableStream,
      stdin: io.stdin ?? process.stdin,
      exitOnCtrlC: false,
      patchConsole: false,
      // The caller already decided this is an interactive terminal (TTY, not CI); ink's own CI sniffing
      // must not quietly turn the screen into a single frame printed at the end.
      interactive: Boolean(realStdout.isTTY),
      maxFps: 10,
    });
  } catch (err) {
    // A terminal ink cannot drive must not stop the work: fall back to the plain progress bar.
    store.stop();
    realStderr.write(`terminal UI unavailable (${(err as Error).message}); showing a progress bar instead\n`);
    const { attachBarView } = await import('./bar-view.js');
    return attachBarView(bus, io);
  }

  const held: Array<{ to: Out; chunk: string | Uint8Array }> = [];
  io.stdout = holdingStream(realStdout, (chunk) => held.push({ to: realStdout, chunk }));
  io.stderr = holdingStream(realStderr, (chunk) => {
    held.push({ to: realStderr, chunk });
    store.dispatch({ type: 'ui:output', text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
  });
  const release = () => {
    io.stdout = realStdout;
    io.stderr = realStderr;
    for (const { to, chunk } of held.splice(0)) to.write(chunk);
  };
  // If something exits the process under us, the held output must still reach the terminal.
  process.once('exit', release);

  const onSignalAbort = () => store.dispatch({ type: 'ui:aborting', reason: describeAbort(io.signal.reason) });
  if (io.signal.aborted) onSignalAbort();
  else io.signal.addEventListener('abort', onSignalAbort, { once: true });

  let closing: Promise<void> | undefined;
  const close = (outcome?: { error?: unknown }): Promise<void> =>
    (closing ??= (async () => {
      io.signal.removeEventListener('abort', onSignalAbort);
      // The error the work failed with goes into the last frame (an abort has its own line there).
      const err = outcome?.error;
      if (err !== undefined && !(err instanceof AbortedError)) store.dispatch({ type: 'ui:fatal', ...describeError(err) });
      store.dispatch({ type: 'ui:closed' });
      store.stop();
      try {
        // Paint the final frame (no key hints) synchronously, let it reach the terminal, then let go:
        // unmounting turns raw mode off and gives the terminal back.
        instance.rerender(app());
        await instance.waitUntilRenderFlush().catch(() => undefined);
        instance.unmount();
        await instance.waitUntilExit().catch(() => undefined);
      } finally {
        process.off('exit', release);
        release();
      }
    })());

  return { close };
}

function describeError(err: unknown): { message: string; code?: string; suggestion?: string } {
  if (isReadmodelError(err)) return { message: err.message, code: err.code, ...(err.suggestion ? { suggestion: err.suggestion } : {}) };
  return { message: err instanceof Error ? err.message : String(err) };
}

function describeAbort(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}

/** A stand-in for a terminal stream that hands every chunk to `hold` instead of writing it. */
function holdingStream(real: Out, hold: (chunk: string | Uint8Array) => void): Out {
  const w = new Writable({
    decodeStrings: false,
    write(chunk: string | Uint8Array, _enc, cb) {
      hold(chunk);
      cb();
    },
  }) as Out;
  // Commands look at these to decide how to format; answer as the real terminal would.
  w.isTTY = real.isTTY;
  const cols = (real as { columns?: number }).columns;
  if (cols !== undefined) (w as unknown as { columns: number }).columns = cols;
  return w;
}
