/**
 * A promise with its settling functions, for a value that a later event supplies (Node 20 has no
 * `Promise.withResolvers`). A rejection nobody awaits is not reported as unhandled: it is often
 * expected (a unit given up that nothing was chained on).
 */
export interface SettleOnce<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

export function settleOnce<T = void>(): SettleOnce<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
