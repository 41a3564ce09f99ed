import { useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  value?: T;
  /** the last load's error message; the previous value is kept */
  error?: string;
}

function attempt<T>(load: () => T, previous?: T): Polled<T> {
  try {
    return { value: load() };
  } catch (error) {
    return { value: previous, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Loads at once (so the first frame has data), again whenever `key` changes, and every
 * `intervalMs` while mounted (0: never). Loads are synchronous reads of small files.
 */
export function usePolled<T>(load: () => T, intervalMs: number, key = ''): Polled<T> {
  const [polled, setPolled] = useState<Polled<T>>(() => attempt(load));
  const loadRef = useRef(load);
  loadRef.current = load;
  const firstKey = useRef(key);
  useEffect(() => {
    const reload = () => setPolled((previous) => attempt(loadRef.current, previous.value));
    if (key !== firstKey.current) {
      firstKey.current = key;
      reload();
    }
    if (intervalMs <= 0) return;
    const timer = setInterval(reload, intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, key]);
  return polled;
}
