// canon's own sources: ESLint's and typescript-eslint's recommended rules (no type information, so a
// commit's lint-staged run stays fast). Formatting is prettier's job (.prettierrc.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'site/', '.claude/hooks/', 'plugin/hooks/', 'workers/notion-sync/dist/', '**/*.d.mts', '.wrangler/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Tests read loosely typed JSON from real processes and fakes.
  { files: ['__tests__/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    rules: {
      // canon matches control characters on purpose: refusing them is the inert-text guarantee (ADR-0023).
      'no-control-regex': 'off',
      // `let x = fallback; try { x = read() } catch { … }` is the house pattern for reads that may fail.
      'no-useless-assignment': 'off',
      // The secret-disguise docs show a zero-width space inside a token on purpose.
      'no-irregular-whitespace': ['error', { skipComments: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        crypto: 'readonly',
        structuredClone: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        queueMicrotask: 'readonly',
        AbortSignal: 'readonly',
        URLSearchParams: 'readonly',
      },
    },
  },
);
