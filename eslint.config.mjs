// ESLint flat config: typescript-eslint's recommended rules for every TypeScript source folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = {
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.cache/', 'test-results/', '**/*.d.ts'] },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      // Same convention as tsc's noUnusedParameters: a leading underscore marks it intentional.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  // The layers of house style, enforced: the core knows nothing of VS Code or the host, only
  // src/core/kafka sees kafkajs, and the webview imports nothing from the host (protocol files
  // beside each webview are shared types, imported by the host).
  ...[
    { files: ['src/core/kafka/**/*.ts'], ignores: [], kafkajs: true },
    { files: ['src/core/**/*.ts'], ignores: ['src/core/kafka/**'], kafkajs: false },
  ].map(({ files, ignores, kafkajs }) => ({
    files,
    ignores,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'src/core must not depend on VS Code.' },
            ...(kafkajs ? [] : [{ name: 'kafkajs', message: 'Only src/core/kafka talks to kafkajs; use its types.' }]),
          ],
          patterns: [{ group: ['**/host/**'], message: 'src/core must not import the extension host layer.' }],
        },
      ],
    },
  })),
  {
    files: ['src/host/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'kafkajs', message: 'Only src/core/kafka talks to kafkajs; use its types.' }] }],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/src/**', 'vscode', 'node:*'], message: 'Webview code is browser-only.' }] }],
    },
  },
  {
    files: ['scripts/**/*.mjs', '*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: nodeGlobals },
  },
);
