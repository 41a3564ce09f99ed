/** Driving Ink components in tests: key codes, a pause for React to settle, and waiting for a frame. */
import { render } from 'ink-testing-library';
import type { ReactNode } from 'react';
import { vi, type Mock } from 'vitest';
import type { Route } from '../../src/ui/app/app-state.js';
import { BackendContext } from '../../src/ui/app/backend-context.js';
import { NavigationContext, type Navigation } from '../../src/ui/app/navigation.js';
import type { UiBackend } from '../../src/ui/backend.js';
import { FixedTerminalSize, type TerminalSize } from '../../src/ui/common/terminal-size.js';
import { stripAnsi } from './strip-ansi.js';

export const keys = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

/** Lets Ink read input and React commit, and Ink draw the frame (it draws at most 30 per second). */
export function settle(ms = 40): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/**
 * Waits until the frame has stopped changing: Ink draws on a timer (and later on a busy machine),
 * so a key's effect shows up some milliseconds after the key.
 */
export async function quiet(frame: () => string): Promise<void> {
  await settle();
  let previous = frame();
  for (let i = 0; i < 50; i++) {
    await settle(25);
    const current = frame();
    if (current === previous) return;
    previous = current;
  }
}

export interface Rendered {
  frame(): string;
  press(...input: string[]): Promise<void>;
  /** waits until the frame contains `text` (polling; gives up after a generous cap) */
  waitFor(text: string | RegExp): Promise<string>;
  unmount(): void;
}

export interface NavigationSpy extends Navigation {
  open: Mock<(route: Route) => void>;
  openModel: Mock<(model: string) => void>;
  back: Mock<() => void>;
  quit: Mock<() => void>;
  interrupt: Mock<() => void>;
  toggleHelp: Mock<() => void>;
}

export function navigationSpy(): NavigationSpy {
  return {
    open: vi.fn<(route: Route) => void>(),
    openModel: vi.fn<(model: string) => void>(),
    back: vi.fn<() => void>(),
    quit: vi.fn<() => void>(),
    interrupt: vi.fn<() => void>(),
    toggleHelp: vi.fn<() => void>(),
    canQuit: true,
  };
}

/** Renders `node` at a fixed terminal size, with a backend and navigation when given. */
export async function renderUi(
  node: ReactNode,
  options: { size?: TerminalSize; backend?: UiBackend; navigation?: Navigation } = {},
): Promise<Rendered> {
  let tree = <FixedTerminalSize size={options.size ?? { columns: 100, rows: 30 }}>{node}</FixedTerminalSize>;
  if (options.navigation !== undefined)
    tree = <NavigationContext.Provider value={options.navigation}>{tree}</NavigationContext.Provider>;
  if (options.backend !== undefined)
    tree = <BackendContext.Provider value={options.backend}>{tree}</BackendContext.Provider>;
  const instance = render(tree);
  const frame = () => stripAnsi(instance.lastFrame() ?? '');
  // Input handlers attach in effects, after the first render.
  await quiet(frame);
  return {
    frame,
    press: async (...input) => {
      for (const key of input) {
        instance.stdin.write(key);
        await quiet(frame);
      }
    },
    waitFor: async (text) => {
      for (let i = 0; i < 300; i++) {
        const current = frame();
        if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
        await settle(20);
      }
      throw new Error(`frame never showed ${String(text)}:\n${frame()}`);
    },
    unmount: instance.unmount,
  };
}

/** The first line of a frame that contains `text`, trimmed at the end. */
export function lineWith(frame: string, text: string): string {
  return (frame.split('\n').find((line) => line.includes(text)) ?? '').trimEnd();
}
