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
      name: 'no-folder-cycles',
      comment: 'No two folders import each other, directly or round a loop of folders (type-only imports included): a room imports only rooms below it.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
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
      name: 'config-is-a-low-room',
      comment: 'src/config is the schema, parse and resolve room the others read: it imports only domain (definitions it resolves against), plugins (the record of a loaded plugin), events, errors, runtime and engine-info. Loading a whole workflow (data probing, plugin loading, the replay store, the topology plan) is src/load, above it.',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: ['^src/(config|domain|events|errors|runtime|plugins)/', '^src/engine-info[.]ts$'] },
    },
    {
      name: 'plugins-not-config',
      comment: 'src/plugins loads user modules into the domain registry; config records what was loaded (resolved.ts), so plugins never imports config.',
      severity: 'error',
      from: { path: '^src/plugins/' },
      to: { path: '^src/config/' },
    },
    {
      name: 'load-below-what-runs',
      comment: 'src/load turns a config into a LoadedWorkflow (resolving sequence: through the sequencer registry of kinds); what runs one (coordinator, live, distributed, analysis) imports load, never the other way.',
      severity: 'error',
      from: { path: '^src/load/' },
      to: { path: '^src/(coordinator|live|distributed|analysis|report|query)/' },
    },
    {
      name: 'sequencer-not-load',
      comment: 'The loader resolves `sequence:` through the sequencer\'s registry, so the sequencer never imports the loader: a LoadedWorkflow is a type of src/topology, and the worker-thread entry that loads a workflow is coordinator/shard-worker.ts.',
      severity: 'error',
      from: { path: '^src/sequencer/' },
      to: { path: '^src/load/' },
    },
    {
      name: 'signals-not-containers-or-data',
      comment: 'The signal store is below the containers that write it (containers/signal-sink.ts) and beside data: what both need (Parquet table writer, file buffer, drainable sink) is in src/files.',
      severity: 'error',
      from: { path: '^src/signals/' },
      to: { path: '^src/(containers|data)/' },
    },
    {
      name: 'data-not-signals',
      comment: 'Bar sources and downloads do not use the signal store; the Parquet writer they share with it is in src/files.',
      severity: 'error',
      from: { path: '^src/data/' },
      to: { path: '^src/signals/' },
    },
    {
      name: 'files-is-a-low-room',
      comment: 'src/files (atomic writes, the NDJSON and Parquet table writers, stable JSON, the combination store and file fingerprints, the file async buffer, the drainable sink) is used by data, signals, containers, tracing, live, the sequencer and results; it imports only errors, runtime and events.',
      severity: 'error',
      from: { path: '^src/files/' },
      to: { path: '^src/', pathNot: '^src/(files|errors|runtime|events)/' },
    },
    {
      name: 'shared-rooms-import-nothing-of-ours',
      comment: 'src/runtime (logger, progress, clock) and src/errors (SluiceError, exit mapping, did-you-mean) import nothing of ours (errors: events), so every room may use them.',
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
      comment: 'src/transport (NATS JetStream, the broadcast WebSocket server) is what feeds, sinks and replays send and read through: it imports no source, sink or driver, only config schemas, errors, events, domain helpers and the drainable-sink contract (src/files).',
      severity: 'error',
      from: { path: '^src/transport/' },
      to: { path: '^src/', pathNot: '^src/(transport|errors|runtime|events|domain|files|config/schema)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
