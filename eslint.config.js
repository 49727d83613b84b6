// Lint rules: the typed checks that catch real bugs (a promise nobody awaits, a promise where a
// callback is expected) and the naming the code already follows. Formatting is Prettier's job.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'samples/',
      '**/*.js',
      '**/*.mjs',
      'vitest.config.ts',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/naming-convention': [
        'error',
        { selector: 'default', format: ['camelCase'], leadingUnderscore: 'allow' },
        { selector: 'import', format: null },
        // Constants and tables: MAX_ERROR_DETAILS, ERRORS; classes and schemas held in a const: ConfigSchema.
        {
          selector: 'variable',
          format: ['camelCase', 'UPPER_CASE', 'PascalCase'],
          leadingUnderscore: 'allow',
        },
        { selector: 'typeLike', format: ['PascalCase'] },
        { selector: 'enumMember', format: ['PascalCase', 'UPPER_CASE'] },
        // Keys of wire formats, headers and catalogues (GW_ERR_*, 'content-type', DecHead) keep their spelling.
        {
          selector: ['objectLiteralProperty', 'typeProperty', 'objectLiteralMethod'],
          format: null,
        },
        // Read-only constants, also where a fake mirrors a library's (SCARD_STATE_PRESENT).
        { selector: 'classProperty', modifiers: ['readonly'], format: ['camelCase', 'UPPER_CASE'] },
        { selector: 'parameter', format: ['camelCase'], leadingUnderscore: 'allow' },
      ],
    },
  },
);
