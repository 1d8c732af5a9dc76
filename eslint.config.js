import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Queries are built only in repositories and db/ (docs/architecture.md); the import rules in
    // .dependency-cruiser.cjs cannot see a query built on a Db a service was handed.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/**/repo.ts', 'server/src/**/*-repo.ts', 'server/src/db/**', 'server/src/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto|transaction)$/]',
          message: 'Queries live in repositories (repo.ts, *-repo.ts) and db/: call a repository function instead.',
        },
      ],
    },
  },  {
    // Dates read the same on every page: "Dec 3, 2026, 4:59 PM", from web/src/lib/format.ts.
    files: ['web/src/**/*.{ts,tsx}'],
    ignores: ['web/src/lib/format.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^toLocale(Date|Time)?String$/]',
          message: 'Show dates with formatDateTime / formatDate from web/src/lib/format.ts, like every other page.',
        },
      ],
    },
  },
);
