const path = require('node:path');

/**
 * The server's architecture rules (docs/architecture.md), checked by `npm run lint`: this file is
 * their source of truth. dependency-cruiser resolves every import of server/src (type-only
 * imports included) and fails on a dependency a rule forbids. server/test/architecture.test.ts
 * proves each rule fails on a deliberate violation (server/test/fixtures/architecture/). That
 * queries are only built in repositories is checked by eslint.config.js (a service could hold
 * a Db without importing Kysely).
 *
 *   capabilities   auth/ admin/ studios/ vault/ deliveries/ labs/ images/ portfolio/ system/
 *   shared layers  http/ db/ crypto/ storage/ mail/ clamav/ jobs/ imaging/ audit/ keys/ zip/  backup/
 *                  and config.ts errors.ts logger.ts text.ts runtime.ts
 *   the contract   capability.ts (Capability, AppServices): a leaf every capability imports
 *   composition    main.ts app.ts capabilities.ts cli/
 *
 * Tests (*.test.ts) may reach into anything they prove; only the cycle rule applies to them.
 */

const capabilities = ['auth', 'admin', 'studios', 'vault', 'deliveries', 'labs', 'images', 'portfolio', 'system'];
const shared = ['http', 'db', 'crypto', 'storage', 'mail', 'clamav', 'jobs', 'imaging', 'audit', 'keys', 'zip', 'backup'];
const sharedFiles = ['config', 'errors', 'logger', 'text', 'runtime'];

const src = '^server/src/';
const capability = `${src}(${capabilities.join('|')})/`;
const sharedLayer = [`${src}(${shared.join('|')})/`, `${src}(${sharedFiles.join('|')})\\.ts$`];
const composition = `${src}(main|app|capabilities|capability)\\.ts$|${src}cli/`;
const test = '\\.test\\.ts$';

/** A capability's wiring and HTTP, which no other capability may use: its queries, its routes, how it is put together. */
const internals = '(repo|routes|capability|deps)\\.ts$';
const repository = '[/-]repo\\.ts$';
const routes = '[/-]routes\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'every-module-in-a-layer',
      comment: 'A new folder of server/src is a capability or a shared layer: add it to one of the lists above, so the rules apply to it.',
      severity: 'error',
      from: { path: src, pathNot: [capability, ...sharedLayer, composition, test] },
      to: {},
    },
    {
      name: 'no-cycles',
      comment: 'Arrows point one way: no module reaches itself through its imports (type-only imports count).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'kysely-only-in-repositories',
      comment: 'Queries live in repositories (repo.ts, *-repo.ts) and db/; services hand them a Db and get values back.',
      severity: 'error',
      from: { path: src, pathNot: [`${src}db/`, repository, test] },
      to: { path: 'node_modules/kysely/' },
    },
    {
      name: 'fastify-only-in-routes-and-http',
      comment:
        'HTTP objects (Fastify, its plugins, the App type) stay in routes, http/ and the wiring that registers them; services take and return values.',
      severity: 'error',
      from: { path: src, pathNot: [routes, `${src}http/`, '/capability\\.ts$', `${src}app\\.ts$`, test] },
      to: { path: ['node_modules/(fastify|@fastify/[^/]+)/', `${src}http/app-type\\.ts$`] },
    },
    {
      name: 'no-other-capability-internals',
      comment: 'A capability uses another one through its services, never through its repositories, routes or wiring.',
      severity: 'error',
      from: { path: capability, pathNot: test },
      to: { path: `${capability}(|.*[/-])${internals}`, pathNot: `${src}$1/` },
    },
    {
      name: 'vault-only-through-its-interface',
      comment:
        'Other capabilities reach the vault only through VaultFiles (vault/service.ts, handed over in AppServices) and the JSON shapes of what it returns (vault/schemas.ts).',
      severity: 'error',
      from: { path: capability, pathNot: [`${src}vault/`, test] },
      to: { path: `${src}vault/`, pathNot: `${src}vault/(service|schemas)\\.ts$` },
    },
    {
      name: 'shared-layers-import-no-capability',
      comment: 'Shared layers sit below every capability: they import none, nor the wiring above them.',
      severity: 'error',
      from: { path: sharedLayer, pathNot: test },
      to: { path: [capability, composition] },
    },
    {
      name: 'capabilities-import-no-wiring',
      comment: 'A capability is given what it needs (AppServices); it never imports the app, the runtime builder, the list of capabilities or the CLI.',
      severity: 'error',
      from: { path: capability, pathNot: test },
      to: { path: `${src}(main|app|capabilities)\\.ts$|${src}cli/` },
    },
    {
      name: 'capability-contract-is-a-leaf',
      comment: 'capability.ts (Capability, AppServices) imports no capability, so every capability can import it without a cycle.',
      severity: 'error',
      from: { path: `${src}capability\\.ts$` },
      to: { path: [capability, composition] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: path.join(__dirname, 'server/tsconfig.json') },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
