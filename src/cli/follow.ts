/** Resolves when the stop signal (Ctrl-C, SIGTERM: CliRuntime.stopSignal) fires: where a `--follow` ends. */
export function untilStopped(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
