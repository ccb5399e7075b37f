// typescript-eslint's recommended rules over the sources and tests.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const PURE_HOST_MODULES = [
  'src/chat/protocol.ts',
  'src/chat/chatSession.ts',
  'src/chat/csp.ts',
  'src/chat/stateWriter.ts',
  'src/chat/history.ts',
  'src/chat/asyncTurns.ts',
  'src/views/errorNode.ts',
  'src/comparison/protocol.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    // Code shared with the CLI and the webview, the emulator (also run by tests and the CLI entry), and the host modules unit-tested without VS Code, stays
    // free of the vscode API (types are erased, so type imports are fine). README "Code map" lists them.
    files: [
      'src/core/**',
      'src/emulator/**',
      'src/webview/**',
      'src/resultsView/**',
      'src/comparisonView/**',
      'src/cli/**',
      'src/cli.ts',
      ...PURE_HOST_MODULES,
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'Pure module: no vscode API here (type imports are allowed).', allowTypeImports: true }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
