import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';

export interface JunitCase {
  name: string;
  classname: string;
  failure?: { type: string; message: string; '#text': string };
  error?: { type: string; message: string; '#text': string };
  skipped?: { type: string; message: string };
}

export interface JunitSuite {
  name: string;
  tests: string;
  failures: string;
  errors: string;
  skipped: string;
  testcase: JunitCase[];
}

/** A JUnit file as a consumer reads it: validated as XML, then parsed with attributes. */
export function parseJunit(text: string) {
  const valid = XMLValidator.validate(text);
  expect(valid, JSON.stringify(valid)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });
  return parser.parse(text) as { testsuites: { tests: string; failures: string; errors: string; skipped: string; testsuite: JunitSuite[] } };
}

