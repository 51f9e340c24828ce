import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { SCHEMA_DIR, renderJsonSchemas } from '../../../src/config/json-schema.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('published JSON Schema files', () => {
  it('equal what scripts/write-schema.ts generates (run `npm run schema` after changing a schema)', async () => {
    const rendered = renderJsonSchemas();
    assert.deepEqual(Object.keys(rendered).sort(), ['dialplan.schema.json', 'switchboard.schema.json']);
    for (const [name, text] of Object.entries(rendered)) {
      const onDisk = await readFile(join(root, SCHEMA_DIR, name), 'utf8');
      assert.equal(onDisk, text, `${SCHEMA_DIR}/${name} is stale`);
    }
  });

  it('accept the example switchboard.yaml and dialplans/example.yaml with a plain draft-07 validator', async () => {
    // As an editor would use them: custom formats unknown, so only structure is checked.
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    const cases: [schema: string, file: string][] = [
      ['switchboard.schema.json', 'switchboard.yaml'],
      ['dialplan.schema.json', 'dialplans/example.yaml'],
    ];
    for (const [schema, file] of cases) {
      const validate = ajv.compile(JSON.parse(await readFile(join(root, SCHEMA_DIR, schema), 'utf8')) as object);
      const ok = validate(parse(await readFile(join(root, file), 'utf8')) as unknown);
      assert.equal(ok, true, `${file}: ${JSON.stringify(validate.errors)}`);
    }
  });
});
