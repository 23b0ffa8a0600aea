// Long-running commands (monitor, top) stop on SIGINT/SIGTERM by finishing their work and
// closing what they opened, instead of being cut off by Node's default handler.

export interface SignalStop {
  /** aborted on the first SIGINT or SIGTERM */
  signal: AbortSignal;
  /** resolves with the signal's name */
  received: Promise<NodeJS.Signals>;
  /** removes the handlers (a later signal gets Node's default behaviour again) */
  dispose(): void;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function untilSignal(): SignalStop {
  const controller = new AbortController();
  let resolve!: (s: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const onSignal = (s: NodeJS.Signals) => {
    dispose();
    controller.abort();
    resolve(s);
  };
  const dispose = () => {
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  return { signal: controller.signal, received, dispose };
}
