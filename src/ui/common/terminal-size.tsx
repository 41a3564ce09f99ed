import { useStdout } from 'ink';
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** Set in tests (and anywhere a fixed size is wanted); otherwise the size is stdout's, live. */
const FixedSize = createContext<TerminalSize | undefined>(undefined);

export function FixedTerminalSize({ size, children }: { size: TerminalSize; children: ReactNode }) {
  return <FixedSize.Provider value={size}>{children}</FixedSize.Provider>;
}

const FALLBACK: TerminalSize = { columns: 80, rows: 24 };

/** The terminal's size, re-rendering on resize. */
export function useTerminalSize(): TerminalSize {
  const fixed = useContext(FixedSize);
  const { stdout } = useStdout();
  // One string snapshot, so an unchanged size never re-renders.
  const key = useSyncExternalStore(
    (listener) => {
      stdout.on('resize', listener);
      return () => {
        stdout.off('resize', listener);
      };
    },
    () => `${stdout.columns || FALLBACK.columns}x${stdout.rows || FALLBACK.rows}`,
  );
  if (fixed !== undefined) return fixed;
  const [columns = FALLBACK.columns, rows = FALLBACK.rows] = key.split('x').map(Number);
  return { columns, rows };
}
