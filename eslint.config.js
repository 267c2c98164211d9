// Lint: typescript-eslint's recommended rules on our TypeScript, browser globals for public/js.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'bench/out/', 'screenshots/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['public/js/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', FormData: 'readonly', Intl: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', AbortController: 'readonly', console: 'readonly' } },
  },
  {
    files: ['**/*.mjs', 'eslint.config.js', 'bench/**/*.js', 'bin/reprise'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly' } },
  },
);
