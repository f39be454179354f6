// marked-terminal ships no types: the one function devcap uses.
declare module 'marked-terminal' {
  import type { MarkedExtension } from 'marked';
  export function markedTerminal(options?: { width?: number; reflowText?: boolean; tab?: number }, highlightOptions?: object): MarkedExtension;
}
