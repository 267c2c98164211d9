// Lint: typescript-eslint's recommended rules on our TypeScript, browser globals for public/js,
// and the direction of the layers (docs/architecture.md, "Layers"): an import against it fails.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What each folder of src/ may not import: a project folder (matched anywhere in the path) or a package. */
const LAYERS = [
  {
    files: ['src/http/**/*.ts'],
    folders: ['db', 'mail', 'export', 'webhooks', 'cli'],
    modules: ['container'],
    why: 'Routes call services (src/services/services.ts), never the database, mail, export or webhook layers.',
  },
  {
    files: ['src/services/**/*.ts'],
    folders: ['http', 'cli'],
    modules: ['container', 'app'],
    why: 'Services are called by routes and commands; they never reach back up to them.',
  },
  {
    files: ['src/db/**/*.ts'],
    folders: ['http', 'services', 'export', 'mail', 'cli', 'validation'],
    modules: ['container', 'app'],
    why: 'The data layer is called from above and imports nothing above it.',
  },
  {
    files: ['src/mail/**/*.ts', 'src/export/**/*.ts', 'src/webhooks/**/*.ts'],
    folders: ['http', 'services', 'cli'],
    modules: ['container', 'app'],
    why: 'Mail, export and webhooks sit beside the data layer: services call them, they never call services.',
  },
  {
    files: ['src/documents/**/*.ts'],
    folders: ['http', 'services', 'db', 'mail', 'export', 'cli', 'pdf'],
    modules: ['container', 'app'],
    why: 'Documents are views of the domain: the routes and the mail worker render them, they read nothing.',
  },
  {
    files: ['src/pdf/**/*.ts'],
    folders: ['http', 'services', 'db', 'mail', 'export', 'cli'],
    modules: ['container', 'app'],
    why: 'The PDF printer turns a finished document into a file: services call it, it calls nothing above it.',
  },
  {
    files: ['src/validation/**/*.ts'],
    folders: ['http', 'services', 'db', 'mail', 'export', 'cli'],
    modules: ['container', 'app'],
    why: 'Validation knows the schemas and the domain, nothing that stores or serves.',
  },
  {
    files: ['src/domain/**/*.ts', 'src/i18n/**/*.ts'],
    folders: ['http', 'services', 'db', 'mail', 'export', 'cli', 'validation', 'threads'],
    modules: ['container', 'app', 'config', 'views', 'logger'],
    packages: ['express', 'nodemailer', 'better-sqlite3', 'pino', 'node:fs', 'fs', 'node:worker_threads'],
    why: 'The domain is pure: it imports only itself and leaf modules (errors, memo), never I/O.',
  },
  {
    files: ['src/cli/**/*.ts'],
    folders: ['http'],
    modules: ['app'],
    why: 'Commands use the services and layers below them, never the web app.',
  },
  {
    files: [
      'src/errors.ts',
      'src/config.ts',
      'src/paths.ts',
      'src/logger.ts',
      'src/email-address.ts',
      'src/memo/**/*.ts',
    ],
    folders: ['http', 'services', 'db', 'mail', 'export', 'cli', 'validation', 'domain', 'i18n', 'threads'],
    modules: ['container', 'app', 'views', 'storage-condition'],
    why: 'Leaf modules import nothing of the project but other leaves, so anything may import them.',
  },
];

const layerRules = LAYERS.map(({ files, folders, modules = [], packages = [], why }) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: packages.map((name) => ({ name, message: why })),
        patterns: [
          ...folders.map((folder) => ({ group: [`**/${folder}/**`], message: why })),
          ...modules.map((module) => ({ group: [`**/${module}.js`], message: why })),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'bench/out/', 'screenshots/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  ...layerRules,
  {
    files: ['public/js/**/*.js'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        FormData: 'readonly',
        URLSearchParams: 'readonly',
        URL: 'readonly',
        location: 'readonly',
        Intl: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        AbortController: 'readonly',
        console: 'readonly',
      },
    },
  },
  {
    files: ['**/*.mjs', 'eslint.config.js', 'bench/**/*.js', 'bin/reprise'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly' } },
  },
);
