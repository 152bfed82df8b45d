import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import prettierRecommended from 'eslint-plugin-prettier/recommended';
import globals from 'globals';
import jupyterPlugin from '@jupyter/eslint-plugin';

// The panel never names a repository service: what a service offers comes from the server
// (status.capabilities, preferences.services). Tests (ignored below) may name them in fakes.
const SERVICE_ID = '/^(cloud|server|enterprise)$/';
const SERVICE_MESSAGE =
  'Do not name a repository service in the panel: use what the server says ' +
  '(status.capabilities, preferences.services).';

export default defineConfig([
  {
    ignores: ['node_modules', 'lib', 'coverage', '**/*.js', '**/*.d.ts', '**/__tests__']
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    plugins: {
      jupyter: jupyterPlugin
    }
  },
  jupyterPlugin.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      globals: {
        ...globals.browser,
        ...globals.es2015,
        ...globals.node
      },
      parserOptions: {
        project: 'tsconfig.json',
        sourceType: 'module'
      }
    },
    rules: {
      '@typescript-eslint/naming-convention': [
        'error',
        {
          selector: 'interface',
          format: ['PascalCase'],
          custom: {
            regex: '^I[A-Z]',
            match: true
          }
        }
      ],
      '@typescript-eslint/no-unused-vars': ['warn', { args: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-use-before-define': 'off',
      curly: ['error', 'all'],
      eqeqeq: 'error',
      'prefer-arrow-callback': 'error',
      // The panel's words are the reference's English ones; it has no translator yet.
      'jupyter/no-untranslated-string': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: `Literal[value=${SERVICE_ID}]`, message: SERVICE_MESSAGE },
        { selector: `TemplateElement[value.cooked=${SERVICE_ID}]`, message: SERVICE_MESSAGE }
      ]
    }
  },
  prettierRecommended
]);
