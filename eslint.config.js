// Lint config. Besides the usual TypeScript rules it enforces the dependency rule of STYLE.md §2:
// a module imports `core/` and the `index.ts` of the modules it consumes, never their internals;
// only `pipeline/` and `cli/` may name a concrete log implementation.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const implementationImports = {
  group: ['**/log/embedded/*', '**/log/kafka/*', '**/log/embedded', '**/log/kafka'],
  message: 'Only pipeline/ and cli/ may name a concrete log implementation; import log/index.ts.',
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use an `as const` array and a derived union (STYLE.md §7).',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/log/**', 'src/pipeline/**', 'src/cli/**', 'src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [implementationImports] }] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'ingest',
                'log',
                'engine',
                'detect',
                'logs',
                'traces',
                'alert',
                'store',
                'pipeline',
                'api',
                'ui',
                'cli',
              ].map((m) => `**/${m}/**`),
              message: 'core/ imports nothing else from src/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Only cli/ may call process.exit.' },
        { object: 'Date', property: 'now', message: 'Inject a Clock (core/clock.ts) instead.' },
      ],
    },
  },
)
