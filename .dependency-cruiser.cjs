/* global module -- dependency-cruiser reads a CommonJS config */
/**
 * The rooms of src/ and the directions between them (docs/architecture.md, "Rooms and
 * directions"; the design's table "Parts and their rooms"). Run by `npm run lint:deps`,
 * which `npm test` runs: a cycle or a forbidden direction fails the build.
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No file-level import cycles, type-only imports included: a shared type or helper belongs in a module both sides import.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-imports-only-events',
      comment: 'src/domain is pure trading logic: it imports only src/events, itself and the shared rooms errors/ and runtime/ (which import nothing of ours); of packages, only zod (parameter schemas).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/(domain|events|errors)/' },
    },
    {
      name: 'domain-packages-only-zod',
      comment: 'src/domain knows nothing of RxJS or I/O: of packages, only zod; node: built-ins are not allowed either.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-peer', 'npm-optional', 'npm-no-pkg', 'npm-unknown', 'core'], pathNot: '(^|/)node_modules/zod/' },
    },
    {
      name: 'nothing-imports-cli',
      comment: 'src/cli is the sluice command: everything below it is usable without it (logger, progress and clock live in src/runtime).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'routes-containers-not-sequencer-coordinator',
      comment: 'Routes and containers are parts of one graph; what runs graphs (sequencer) and workflows (coordinator) is above them.',
      severity: 'error',
      from: { path: '^src/(routes|containers)/' },
      to: { path: '^src/(sequencer|coordinator)/' },
    },
    {
      name: 'signals-not-sequencer',
      comment: 'The signal store (format, writers, reader, identity) is below the sequencer: the signal-generation sequence kind that uses it lives in src/sequencer.',
      severity: 'error',
      from: { path: '^src/signals/' },
      to: { path: '^src/(sequencer|coordinator)/' },
    },
    {
      name: 'shared-rooms-import-nothing-of-ours',
      comment: 'src/runtime (logger, progress, clock) and src/errors import nothing of ours (errors: events), so every room may use them.',
      severity: 'error',
      from: { path: '^src/(runtime|errors)/' },
      to: { path: '^src/', pathNot: ['^src/(runtime|errors|events)/'] },
    },
    {
      name: 'only-cli-imports-live',
      comment: 'src/live drives live runs and replays (sluice live, sluice replay): it uses feeds, sinks and transport; only the command imports it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli|live)/' },
      to: { path: '^src/live/' },
    },
    {
      name: 'sinks-below-live',
      comment: 'src/sinks (where live messages go) is used by the live driver and the command; sinks import no driver (live, sequencer, coordinator).',
      severity: 'error',
      from: { path: '^src/sinks/' },
      to: { path: '^src/(live|sequencer|coordinator)/' },
    },
    {
      name: 'only-live-imports-sinks',
      comment: 'Sinks are wired by the live driver (and the command); no source, transport or graph part imports them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli|live|sinks)/' },
      to: { path: '^src/sinks/' },
    },
    {
      name: 'data-not-live-or-sinks',
      comment: 'src/data holds every bar source, the live feeds (src/data/feeds) included; they import the transport, never the sinks or the live driver.',
      severity: 'error',
      from: { path: '^src/data/' },
      to: { path: '^src/(live|sinks)/' },
    },
    {
      name: 'transport-below-sources-and-sinks',
      comment: 'src/transport (NATS JetStream, the broadcast WebSocket server) is what feeds, sinks and replays send and read through: it imports no source, sink or driver, only config schemas, errors, events, domain helpers and the drainable-sink contract of containers.',
      severity: 'error',
      from: { path: '^src/transport/' },
      to: { path: '^src/', pathNot: '^src/(transport|errors|runtime|events|domain|containers|config/schema)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
