/**
 * Writes docs/schema/*.schema.json from the typebox schemas in src/config (`npm run schema`).
 * test/unit/config/json-schema.test.ts fails when the files on disk differ from what this would write.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_DIR, renderJsonSchemas } from '../src/config/json-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, SCHEMA_DIR);
await mkdir(dir, { recursive: true });
for (const [name, text] of Object.entries(renderJsonSchemas())) {
  await writeFile(join(dir, name), text);
  console.log(`wrote ${join(SCHEMA_DIR, name)}`);
}
