// Lint: type-aware rules, and the layer boundaries of ENGINEERING §2.
// Each package may import only the packages listed for it below; import
// cycles fail.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

/** Which @palisade packages each layer may import. Everything else is refused. */
const allowed = {
  catalogue: [],
  common: [],
  sip: ['common'],
  media: ['common'],
  security: ['common', 'catalogue'],
  syslog: ['common'],
  'sip-node': ['common', 'sip'],
  pbx: ['common', 'sip', 'media', 'security'],
  store: ['common', 'pbx', 'security'],
  api: ['common', 'pbx', 'security'],
};
const all = [...Object.keys(allowed), 'server', 'web', 'tests'];

/**
 * Extra refusals per layer, for its non-test sources: the catalogue is bundled
 * for the browser, so it imports nothing at all (its tests may use node:test).
 */
const extra = {
  catalogue: [
    {
      regex: '^[^.]',
      message:
        'packages/catalogue imports nothing (no node:, no npm package): the web app bundles it',
    },
  ],
};

function boundaryRule(layer, deps, more) {
  return {
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
          ...more,
        ],
      },
    ],
  };
}

const boundaryBlocks = Object.entries(allowed).flatMap(([layer, deps]) => {
  const files = [`packages/${layer}/**/*.ts`];
  if (!extra[layer]) return [{ files, rules: boundaryRule(layer, deps, []) }];
  return [
    { files, rules: boundaryRule(layer, deps, extra[layer]) },
    { files: [`packages/${layer}/**/*.test.ts`], rules: boundaryRule(layer, deps, []) },
  ];
});

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
    // The web app runs in the browser and talks to the server only through the API;
    // of our packages it imports only the dependency-free catalogue.
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
              group: ['@palisade/*', '!@palisade/catalogue'],
              message:
                'the web app talks to the server only through the API (of ours: only @palisade/catalogue)',
            },
            {
              regex: '^(\\.\\./)+(packages|apps|tests)/',
              message: 'import @palisade/catalogue by name, not by relative path',
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
