import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', fetch: 'readonly', AbortController: 'readonly', ReadableStream: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read untyped JSON answers; `any` there keeps assertions readable.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The services' domain code is runtime-agnostic: no HTTP framework may leak into it.
    files: ['mocks/*/domain/**/*.ts', 'src/core/**/*.ts'],
    ignores: ['src/core/adapters/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['express', 'msw', 'node:http'], patterns: ['msw/*', '**/adapters/**'] }],
    },
  },
);
