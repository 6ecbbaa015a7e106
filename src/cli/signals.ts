// The shutdown signals of the long-running commands (`serve`, `inventory-controller`): one handler for
// SIGTERM (the kubelet stopping the pod) and SIGINT (Ctrl-C), and a way to take it off again.

export function processSignals(handler: (signal: string) => void): () => void {
  const on = (signal: NodeJS.Signals): void => handler(signal);
  process.on('SIGTERM', on);
  process.on('SIGINT', on);
  return () => {
    process.off('SIGTERM', on);
    process.off('SIGINT', on);
  };
}
