import type { TSchema } from '@sinclair/typebox';
import { DialplanFileSchema } from './dialplan-schema.js';
import { ConfigSchema } from './schema.js';

/**
 * The published JSON Schema files (docs/schema/), rendered from the typebox schemas. scripts/write-schema.ts
 * writes them; a unit test checks the files on disk still equal this output.
 */
export const SCHEMA_DIR = 'docs/schema';

export function renderJsonSchemas(): Record<string, string> {
  return {
    'switchboard.schema.json': render(ConfigSchema, 'src/config/schema.ts'),
    'dialplan.schema.json': render(DialplanFileSchema, 'src/config/dialplan-schema.ts'),
  };
}

function render(schema: TSchema, source: string): string {
  const doc = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: `Generated from ${source} by \`npm run schema\`; do not edit.`,
    ...schema,
  };
  // JSON.stringify drops typebox's symbol-keyed metadata, leaving plain JSON Schema.
  return `${JSON.stringify(doc, null, 2)}\n`;
}
