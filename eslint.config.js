import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware rules, the ones that catch real faults: a promise nobody awaits or handles, a promise
    // where a callback or a condition is expected, awaiting what is not a promise.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
    },
  },
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        ReadableStream: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The formatter wraps code at 150; what it cannot wrap (strings, comments, template text) stops at 200.
      'max-len': ['error', { code: 200, tabWidth: 2 }],
    },
  },
  {
    // Tests read untyped JSON answers; `any` there keeps assertions readable.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The services' domain code is runtime-agnostic: no HTTP framework may leak into it.
    files: ['mocks/*/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['express', 'msw', 'node:http'], patterns: ['msw/*', '**/adapters/**'] }],
    },
  },
  {
    // The platform is runtime-agnostic too, and knows no service nor anything built on it (decision 0045;
    // test/architecture/layers.test.ts checks every layer, this says so in the editor).
    files: ['src/platform/**/*.ts'],
    ignores: ['src/platform/adapters/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['express', 'msw', 'node:http'],
          patterns: [
            { group: ['msw/*', '**/adapters/**'], message: 'only the adapters know the HTTP framework' },
            {
              group: [
                '**/mocks/**',
                '**/fixtures/**',
                '**/suites/**',
                '**/reference-ics/**',
                '**/mock-server/**',
                '**/harness/**',
                '**/engine/**',
                '**/evidence/**',
                '**/reporters/**',
                '**/driver-api/**',
                '**/control/**',
                '**/workers/**',
                '**/cli/**',
                '**/console/**',
              ],
              message: 'the platform imports no layer above it (docs/decisions/0045-layers.md)',
            },
          ],
        },
      ],
    },
  },
);
