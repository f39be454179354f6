/**
 * The reporters behind one typed map with one signature: every one takes the run's entries
 * (results and failures) and options, and returns the text to print or write. Each lives in
 * its own file and is imported when it is asked for, so a run loads only what it prints.
 */
import type { JunitOptions } from './junit.js';
import { isResult, type LabFailure, type LabResult } from './result.js';

export type ReportEntry = LabResult | LabFailure;

export interface ReportOptions extends Partial<JunitOptions> {
  /** Terminal: colour (off when not on a terminal, under --no-color or NO_COLOR). */
  color?: boolean;
  /** JSON: one lab prints its LabResult alone, not in `{ schemaVersion, labs }`. */
  single?: boolean;
  /** HTML: the Chart.js source to inline instead of the installed one. */
  chartJs?: string;
}

export type Reporter = (entries: ReportEntry[], options: ReportOptions) => string;

/** Terminal and Markdown report results; a failed lab is reported by the command, on stderr. */
const reporters = {
  terminal: async () => {
    const { renderTerminal } = await import('./terminal.js');
    return (entries, { color = false }) => entries.filter(isResult).map((result) => renderTerminal(result, { color })).join('\n\n');
  },
  json: async () => {
    const { renderJson } = await import('./json.js');
    return (entries, { single = false }) => renderJson(entries, single);
  },
  markdown: async () => {
    const { renderMarkdown } = await import('./markdown.js');
    return (entries) => entries.filter(isResult).map(renderMarkdown).join('\n\n');
  },
  html: async () => {
    const { renderHtml } = await import('./html.js');
    return (entries, { chartJs }) => renderHtml(entries, chartJs === undefined ? {} : { chartJs });
  },
  junit: async () => {
    const { renderJunit } = await import('./junit.js');
    return (entries, { strict = false, invalidAsFailure, suiteName }) => renderJunit(entries, { strict, invalidAsFailure, suiteName });
  },
} satisfies Record<string, () => Promise<Reporter>>;

export type ReporterName = keyof typeof reporters;

export const REPORTERS = Object.keys(reporters) as ReporterName[];

/** The reporter of this name, loaded. */
export function reporter(name: ReporterName): Promise<Reporter> {
  return reporters[name]();
}
