import { fileURLToPath } from 'node:url';

/** schemas/node-metadata.schema.json, written by hand (the agent's format); schemas/ sits two levels above src/schema and dist/schema. */
export const METADATA_SCHEMA_FILE = fileURLToPath(new URL('../../schemas/node-metadata.schema.json', import.meta.url));
