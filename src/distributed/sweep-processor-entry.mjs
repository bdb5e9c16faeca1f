// The file `sluice worker` hands BullMQ as its sandboxed processor. BullMQ loads it with a
// bare import() in a worker thread that has no TypeScript loader, so this registers tsx's
// loader first — as bin/sluice.js does for the CLI — and then loads the processor itself.
// Only from the repository: the installed package points BullMQ at sweep-processor.js.
import '../source-condition.mjs';
import { register } from 'tsx/esm/api';

register();
const { default: processSweepChunk } = await import('./sweep-processor.ts');
export default processSweepChunk;
