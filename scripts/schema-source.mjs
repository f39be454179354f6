// The schema of `devcap lab --json`, generated from src/report/result.ts (LabResult).
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

export function labResultSchema() {
  const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
  const schema = createGenerator({ path: root('src/report/result.ts'), tsconfig: root('tsconfig.json'), type: 'LabResult', skipTypeCheck: true }).createSchema('LabResult');
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'urn:devcap:lab-result',
    title: 'devcap LabResult',
    description: 'What `devcap lab <lab> --json` prints for one lab (`lab all --json` prints { schemaVersion, labs: [LabResult] }).',
    ...Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$schema')),
  };
}
