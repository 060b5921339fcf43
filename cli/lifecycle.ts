import { constants } from 'node:os';

/** Exit code when the reader of our output went away (`rectify test DIR | head -1`): 128 + SIGPIPE, as a shell reports it. */
export const EXIT_PIPE_CLOSED = 141;

type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
const SIGNALS: readonly Signal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

let interruptHandler: ((signal: Signal) => void) | undefined;

/**
 * Let a command decide what Ctrl-C means (the kept sandbox stops cleanly and exits 0). Without
 * one, a signal ends the process at once with 128 + its number.
 */
export function onInterrupt(handler: ((signal: Signal) => void) | undefined): void {
  interruptHandler = handler;
}

/**
 * End the process through `process.exit` on Ctrl-C, a termination signal, or a closed output
 * pipe, so that its `exit` handlers run: the moto servers this process started are stopped there
 * (workflows/local/moto.ts) and none outlives the command.
 */
export function installLifecycle(): void {
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (interruptHandler) interruptHandler(signal);
      else process.exit(128 + constants.signals[signal]);
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(EXIT_PIPE_CLOSED);
      throw error;
    });
  }
}
