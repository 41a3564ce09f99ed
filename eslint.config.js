import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The stage order (docs/architecture.md, "Stages"): a module imports from `core` and from earlier
 * tiers, never from a later tier nor from a peer in its own tier. Every folder under src/ must be
 * listed (test/lint/stage-rules.test.ts fails otherwise), and the patterns match nested folders too.
 */
export const stageTiers = [
  ['core'],
  ['data'],
  ['backbone'],
  ['store'],
  ['extract', 'triage'],
  ['train'],
  ['pipeline'],
  ['sweep', 'deploy', 'report', 'cluster'],
  ['ui'],
  ['cli'],
];

/** Restrictions beyond the stage order. */
const extraRestrictions = {
  // core stays pure: no native engines, no UI
  core: { paths: ['lmdb', 'onnxruntime-node', 'ink', 'react'], patterns: [] },
  // the UI reads events and stores, never native engines or the executor's internals
  ui: { paths: ['lmdb', 'onnxruntime-node'], patterns: ['**/extract/**', '**/train/**', '**/backbone/**'] },
  // Ink loads only on a terminal ("Headless first"): cli reaches it through a dynamic import
  cli: {
    paths: ['ink', 'react'],
    patterns: [{ group: ['**/ui/live-view.js'], allowTypeImports: true }],
  },
};

function stageRules() {
  return stageTiers.flatMap((tier, index) => {
    const forbidden = [...stageTiers.slice(index + 1).flat(), ...tier.slice(1)];
    return tier.map((stage) => {
      const laterOrPeers = forbidden
        .filter((name) => name !== stage)
        .map((name) => ({
          group: [`**/${name}/**`],
          message: `src/${stage} may not import from src/${name} (stage order: docs/architecture.md)`,
        }));
      const extra = extraRestrictions[stage] ?? { paths: [], patterns: [] };
      const patterns = [
        ...laterOrPeers,
        ...extra.patterns.map((p) => (typeof p === 'string' ? { group: [p] } : p)),
      ];
      return {
        files: [`src/${stage}/**`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              ...(extra.paths.length > 0 ? { paths: extra.paths } : {}),
              ...(patterns.length > 0 ? { patterns } : {}),
            },
          ],
        },
      };
    });
  });
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bin/**', '*.config.*'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...stageRules(),
  {
    files: ['test/**', 'bench/**', 'models/**', 'datasets/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
