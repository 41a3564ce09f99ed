import { Text } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from '../../src/ui/ErrorBoundary.js';
import { stripAnsi } from './strip-ansi.js';

afterEach(cleanup);

function Broken(): never {
  throw new Error('bad layout');
}

describe('ErrorBoundary', () => {
  it('shows the error instead of the broken tree and reports it once', () => {
    // React logs caught render errors; keep the test output clean.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const onError = vi.fn();
    const { lastFrame } = render(
      <ErrorBoundary onError={onError}>
        <Text>before</Text>
        <Broken />
      </ErrorBoundary>,
    );
    expect(stripAnsi(lastFrame() ?? '')).toContain('layerlab UI error: bad layout');
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toBeInstanceOf(Error);
    quiet.mockRestore();
  });
});
