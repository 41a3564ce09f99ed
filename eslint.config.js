import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    // Stage boundaries (DESIGN.md): core is pure, ui never touches native engines or executor internals.
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '../cli/*',
            '../backbone/*',
            '../data/*',
            '../extract/*',
            '../store/*',
            '../train/*',
            '../ui/*',
            'lmdb',
            'onnxruntime-node',
            'ink',
            'react',
          ],
        },
      ],
    },
  },
  {
    // triage sits between store and train: it reads stored feature sets and train imports it.
    files: ['src/triage/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '../extract/*',
            '../train/*',
            '../sweep/*',
            '../deploy/*',
            '../report/*',
            '../cli/*',
            '../ui/*',
          ],
        },
      ],
    },
  },
  {
    files: ['src/ui/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['lmdb', 'onnxruntime-node'], patterns: ['../extract/*', '../train/*', '../backbone/*'] },
      ],
    },
  },
  {
    // Ink loads only on a terminal (DESIGN.md "Headless first"): cli reaches it through a dynamic import.
    files: ['src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['ink', 'react'],
          patterns: [{ group: ['../ui/live-view.js', '../../ui/live-view.js'], allowTypeImports: true }],
        },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**', 'models/**', 'datasets/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
