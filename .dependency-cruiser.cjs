// The layering `npm run lint` checks (issue 19; docs/architecture.md draws the map). Each rule
// forbids an import direction; a new import that breaks one fails the lint with the rule's name.
/* global module */

/** The providers with a folder of their own in workflows/ and activities/ (docs/adding-a-provider.md). */
const PROVIDERS = 'kazepay|wasabi';
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: split what both need into a third.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      scope: 'folder',
      comment:
        'Folders form layers too: cli -> api -> runtime, never back (a cycle between folders hides one between concerns).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'product-not-to-tools',
      severity: 'error',
      comment:
        'The product (src/, workflows/, activities/) ships in the image; the tools (sandboxes, dev stack, demo, bench, chaos) do not.',
      from: { path: '^(src|workflows|activities)/' },
      to: { path: '^tools/' },
    },
    {
      name: 'workflows-deterministic',
      severity: 'error',
      comment:
        'Workflow code runs in the deterministic sandbox: it imports the contract, its own support and activity types only.',
      from: { path: '^workflows/' },
      to: {
        path: '^(src|tools)/',
        pathNot: '^src/contract/',
      },
    },
    {
      name: 'workflows-provider-neutral',
      severity: 'error',
      comment:
        "A workflow file, its steps' interfaces and its support tell the provider-neutral story: a provider's steps and activities are reached only through the registry (workflows/providers.ts).",
      from: { path: '^workflows/([^/]+\\.ts$|steps/|support/)', pathNot: '^workflows/providers\\.ts$' },
      to: { path: `^(workflows|activities)/(${PROVIDERS})/` },
    },
    {
      name: 'providers-apart',
      severity: 'error',
      comment:
        "One provider's steps and activities never use another's: what both need is provider-neutral and sits above their folders.",
      from: { path: `^(workflows|activities)/(${PROVIDERS})/` },
      to: { path: `^(workflows|activities)/(${PROVIDERS})/`, pathNot: '^(workflows|activities)/$2/' },
    },
    {
      name: 'workflows-no-node-or-io',
      severity: 'error',
      comment:
        'No Node built-ins or I/O libraries in workflow code (the SDK sandbox would refuse them at run time).',
      from: { path: '^workflows/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'contract-is-the-bottom',
      severity: 'error',
      comment: 'The public contract depends on nothing of ours: every other layer builds on it.',
      from: { path: '^src/contract/' },
      to: { path: '^(src/(?!contract/)|workflows/|activities/|tools/)' },
    },
    {
      name: 'providers-know-no-temporal',
      severity: 'error',
      comment: 'Provider clients speak HTTP to their provider; Temporal is the layers above them.',
      from: { path: '^src/providers/' },
      to: { path: '@temporalio/' },
    },
    {
      name: 'providers-below-the-engine',
      severity: 'error',
      comment:
        'Provider clients sit under the engine: they import no client, API, runtime, CLI or activity code.',
      from: { path: '^src/providers/' },
      to: { path: '^(src/(client|api|runtime|cli)/|activities/|workflows/)' },
    },
    {
      name: 'activities-below-the-doors',
      severity: 'error',
      comment: 'Activities are called by workers; they never reach into the API or the CLI.',
      from: { path: '^activities/' },
      to: { path: '^src/(api|cli)/' },
    },
    {
      name: 'nexus-below-the-runtime',
      severity: 'error',
      comment:
        'The Nexus service is a door like the API: built on the typed client, registered by the runtime; it imports no runtime, API, CLI, activity or workflow code.',
      from: { path: '^src/nexus/' },
      to: { path: '^(src/(runtime|api|cli)/|activities/|workflows/)' },
    },
    {
      name: 'nexus-service-is-contract-only',
      severity: 'error',
      comment:
        "The service definition is imported by callers' workflow code: the contract's types and nexus-rpc only, no Node built-ins.",
      from: { path: '^src/nexus/service\\.ts$' },
      to: { path: '^(src/(?!contract/)|activities/|workflows/|tools/)' },
    },
    {
      name: 'nexus-service-no-node',
      severity: 'error',
      comment: "The service definition runs in callers' workflow sandboxes: no Node built-ins.",
      from: { path: '^src/nexus/service\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'sandboxes-independent-of-clients',
      severity: 'error',
      comment:
        'A sandbox written from the seeds must not share the client it checks (issue 16): only the PEM/DER key loader.',
      from: { path: '^tools/sandbox/' },
      to: { path: '^src/providers/', pathNot: '^src/providers/keys\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|dist|\\.tools)/' },
  },
};
