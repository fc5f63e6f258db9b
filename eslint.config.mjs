import js from '@eslint/js'
import vueI18n from '@intlify/eslint-plugin-vue-i18n'
import prettierConfig from 'eslint-config-prettier'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * The layering of src/ (see README → Architecture): arrows point one way.
 *   shared ← engine ← server, main;  shared ← preload, renderer
 */
const LAYERS = {
  shared: {
    forbiddenFolders: ['engine', 'server', 'main', 'preload', 'renderer'],
    forbiddenPackages: ['node:*', 'electron', 'better-sqlite3', 'fastify', '@fastify/*'],
  },
  engine: {
    forbiddenFolders: ['server', 'main', 'preload', 'renderer'],
    forbiddenPackages: ['electron', 'fastify', '@fastify/*'],
  },
  server: { forbiddenFolders: ['main', 'preload', 'renderer'], forbiddenPackages: ['electron'] },
  main: { forbiddenFolders: ['preload', 'renderer'], forbiddenPackages: [] },
  preload: {
    forbiddenFolders: ['engine', 'server', 'main', 'renderer'],
    forbiddenPackages: ['node:*', 'better-sqlite3', 'fastify'],
  },
  renderer: {
    forbiddenFolders: ['engine', 'server', 'main'],
    forbiddenPackages: ['node:*', 'electron', 'better-sqlite3', 'fastify'],
  },
}

/**
 * What a wallet can do is read from the wallet registry (shared/providers, engine/providers) and the catalogue
 * (shared/wallets), not decided by comparing its id with a literal. Cash is not a provider (it is the drawer)
 * and stays out of this rule. A deliberate exception carries an eslint-disable comment that says why.
 */
const WALLET_LITERAL = '/^(wechat|alipay|huabei|unionpay|jdpay|ecny)$/'
const walletLiteralRules = [
  {
    selector: `BinaryExpression[operator=/^[!=]==?$/] > Literal[value=${WALLET_LITERAL}]`,
    message: 'Do not compare a wallet id with a literal: read the wallet registry or catalogue instead.',
  },
  {
    selector: `SwitchCase > Literal.test[value=${WALLET_LITERAL}]`,
    message: 'Do not switch on wallet ids: read the wallet registry or catalogue instead.',
  },
]

const layerRules = Object.entries(LAYERS).map(([layer, { forbiddenFolders, forbiddenPackages }]) => ({
  files: [`src/${layer}/**/*.{ts,vue}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\.?/)+(\\.\\./)*(src/)?(${forbiddenFolders.join('|')})(/|$)`,
            message: `src/${layer} must not import from ${forbiddenFolders.map((f) => `src/${f}`).join(', ')} (see the layering in README).`,
          },
          ...(forbiddenPackages.length
            ? [
                {
                  group: forbiddenPackages,
                  message: `src/${layer} must not depend on this package (see the layering in README).`,
                },
              ]
            : []),
        ],
      },
    ],
  },
}))

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.electron-native/**', 'bench/reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    files: ['src/renderer/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: [
      'src/{shared,engine,server,main,preload}/**/*.ts',
      'tests/**/*.ts',
      'bench/**/*.{ts,mjs}',
      'scripts/**/*.mjs',
      '*.{ts,mts,mjs}',
    ],
    languageOptions: { globals: globals.node },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'error',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Every t('…') key must exist in every locale (their key sets are compared by the typecheck and a test).
    files: ['src/renderer/**/*.{ts,vue}'],
    plugins: { '@intlify/vue-i18n': vueI18n },
    settings: {
      'vue-i18n': { localeDir: 'src/renderer/src/locales/*.json', messageSyntaxVersion: '^11.0.0' },
    },
    rules: {
      '@intlify/vue-i18n/no-missing-keys': 'error',
    },
  },
  ...layerRules,
  {
    files: ['src/**/*.{ts,vue}'],
    ignores: ['src/engine/providers/**', 'src/shared/providers/**', 'src/shared/wallets.ts', 'src/engine/seed/**'],
    rules: {
      'no-restricted-syntax': ['error', ...walletLiteralRules],
      'vue/no-restricted-syntax': ['error', ...walletLiteralRules],
    },
  },
  // Formatting belongs to Prettier (checked by `npm run lint`), not to ESLint's stylistic rules.
  prettierConfig,
)
