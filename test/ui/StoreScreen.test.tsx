import { cleanup } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StoreScreen } from '../../src/ui/store-detail/StoreScreen.js';
import { keys, lineWith, navigationSpy, renderUi } from './ink-helpers.js';
import { fakeBackend } from './ui-fixture.js';

beforeAll(() => {
  process.env.TZ = 'UTC';
});
afterEach(cleanup);

async function store(id = '3f2a9c1e') {
  const navigation = navigationSpy();
  const ui = await renderUi(<StoreScreen storeId={id} width={120} height={29} active />, {
    backend: fakeBackend(),
    navigation,
    size: { columns: 120, rows: 30 },
  });
  return { ui, navigation };
}

describe('StoreScreen', () => {
  it('lists the feature sets with shape, dtype, size and state', async () => {
    const { ui } = await store();
    const frame = ui.frame();
    expect(frame.split('\n')[0]).toBe('3f2a9c1e · 4.7 MiB on disk · 2,000 records');
    expect(frame).toContain('builtin:shapes-cnn on builtin:shapes');
    expect(frame).toContain('[Feature sets] Manifest');
    expect(lineWith(frame, 'conv2')).toMatch(
      /conv2 +2,000×32 +N×32×8×8 +float32 +251 KiB +✔ complete +mean +32×64/,
    );
    expect(lineWith(frame, 'pool3')).toMatch(/2,000×64 .* 501 KiB/);
  });

  it('sorts by the selected column', async () => {
    const { ui } = await store();
    await ui.press('l', 's');
    let frame = ui.frame();
    expect(frame.indexOf('pool3')).toBeLessThan(frame.indexOf('conv1'));
    await ui.press('s');
    frame = ui.frame();
    expect(frame.indexOf('conv1')).toBeLessThan(frame.indexOf('pool3'));
  });

  it('Tab shows the manifest: backbone, dataset with its split and classes, preprocessing, versions', async () => {
    const { ui } = await store();
    await ui.press(keys.tab);
    const frame = ui.frame();
    expect(frame).toContain(' Feature sets [Manifest]');
    expect(lineWith(frame, 'model ')).toMatch(/model +builtin:shapes-cnn/);
    expect(lineWith(frame, 'split')).toMatch(/train 1,200 · val 400 · test 400/);
    expect(lineWith(frame, 'classes')).toMatch(/3: solid, stripes, dots/);
    expect(lineWith(frame, 'resize')).toMatch(/resize +\[32,32\]/);
    expect(lineWith(frame, 'onnxruntime-node')).toMatch(/1\.30\.0/);
  });

  it('shows why a store cannot be read, and Esc goes back', async () => {
    const { ui, navigation } = await store('gone');
    expect(ui.frame()).toContain('no store gone');
    await ui.press(keys.escape);
    expect(navigation.back).toHaveBeenCalled();
  });
});
