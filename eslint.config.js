// Lint: type-aware rules, and the layer boundaries of ENGINEERING §2.
// Each package may import only the packages listed for it below; import
// cycles fail.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

/** Which @palisade packages each layer may import. Everything else is refused. */
const allowed = {
  common: [],
  sip: ['common'],
  media: ['common'],
  security: ['common'],
  syslog: ['common'],
  'sip-node': ['common', 'sip'],
  pbx: ['common', 'sip', 'media', 'security'],
  store: ['common', 'pbx', 'security'],
  api: ['common', 'pbx', 'security'],
};
const all = [...Object.keys(allowed), 'server', 'tests'];

const boundaryBlocks = Object.entries(allowed).map(([layer, deps]) => ({
  files: [`packages/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: all.filter((p) => p !== layer && !deps.includes(p)).map((p) => `@palisade/${p}`),
            message: `packages/${layer} may import only: ${deps.join(', ') || 'nothing of ours'} (ENGINEERING §2)`,
          },
          {
            regex: '^(\\.\\./)+(\\.\\./)?(packages|apps|tests)/',
            message: 'import other packages by name, not by relative path',
          },
          { regex: '^\\.\\./\\.\\./\\.\\./', message: 'do not reach outside the package' },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'eslint.config.js', 'test-output/**'],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/extensions': ['.ts', '.tsx'] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/require-await': 'off',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-eval': 'error',
      'no-implied-eval': 'off',
      '@typescript-eslint/no-implied-eval': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  ...boundaryBlocks,
  {
    // The web app runs in the browser and talks to the server only through the API.
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'navigator',
          'location',
          'history',
          'localStorage',
          'fetch',
          'console',
        ]
          .concat(['URL', 'URLSearchParams', 'FormData', 'Blob', 'Response', 'PublicKeyCredential'])
          .map((g) => [g, 'readonly']),
      ),
    },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@palisade/*'],
              message: 'the web app talks to the server only through the API',
            },
            { regex: '^node:', message: 'the web app runs in the browser' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' },
          ],
        },
      ],
    },
  },
);
