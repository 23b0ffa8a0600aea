// Type-aware lint with typescript-eslint (TypeScript 5.x: the typed rules read its API).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/bundle/**', '**/node_modules/**', 'coverage/**', '.bench-out/**', 'infra/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The testkit is for tests, benchmarks and scripts only: shipped code never imports it.
    files: ['packages/*/src/**', 'apps/*/src/**'],
    ignores: ['packages/testkit/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@agentfleet/testkit', '@agentfleet/testkit/*'], message: 'the testkit is for tests only; src/ must not import it' }] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // the console's script runs in the browser
    files: ['apps/monitor/assets/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'script' },
  },
);
