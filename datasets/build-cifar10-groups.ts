/**
 * A real grouped dataset for `train --groups`, built from the shared CIFAR-10 JPEGs when they are
 * present: five groups, each a different pair of CIFAR-10 classes (vehicles by air or sea, by road,
 * pets, hoofed animals, small animals), laid out GROUP/CLASS/FILE for `extract --group-by folder`.
 * Deterministic: the first N images (file-name order) of each class of the train folder, copied.
 * Skips cleanly (exit 0, one line) when the assets are absent.
 * Run: npm run build && node dist/datasets/build-cifar10-groups.js OUT_DIR [PER_CLASS=200]
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const cifar10Groups: Record<string, [string, string]> = {
  'air-sea': ['airplane', 'ship'],
  road: ['automobile', 'truck'],
  pets: ['cat', 'dog'],
  hoofed: ['deer', 'horse'],
  small: ['bird', 'frog'],
};

export const defaultCifar10Root = '/work/shared/assets/datasets/cifar10-jpg/train';

/** Writes OUT/GROUP/CLASS/FILE; returns the records per group, or undefined when the assets are absent. */
export function buildCifar10Groups(
  out: string,
  perClass = 200,
  root = defaultCifar10Root,
): Record<string, number> | undefined {
  if (!existsSync(root)) return undefined;
  const counts: Record<string, number> = {};
  for (const [group, classes] of Object.entries(cifar10Groups)) {
    counts[group] = 0;
    for (const name of classes) {
      const files = readdirSync(join(root, name))
        .filter((f) => f.endsWith('.jpg'))
        .sort()
        .slice(0, perClass);
      const dir = join(out, group, name);
      mkdirSync(dir, { recursive: true });
      for (const file of files) copyFileSync(join(root, name, file), join(dir, file));
      counts[group] += files.length;
    }
  }
  return counts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [out, perClass] = process.argv.slice(2);
  if (!out) {
    console.error('usage: node dist/datasets/build-cifar10-groups.js OUT_DIR [PER_CLASS]');
    process.exitCode = 2;
  } else {
    const counts = buildCifar10Groups(out, perClass ? Number(perClass) : 200);
    console.log(
      counts
        ? `wrote ${out}: ${Object.entries(counts)
            .map(([g, n]) => `${g} ${n}`)
            .join(', ')} records; extract it with --group-by folder`
        : `skipped: ${defaultCifar10Root} is absent (the shared CIFAR-10 assets are not on this machine)`,
    );
  }
}
