/**
 * An optional observer of the Markdown parser, for tests and measurements (the app provides none):
 * `onParse` is told how many characters each block render hands to the parser, and `render`, when
 * given, stands in for the parser (so a long replay can count without paying for jsdom).
 */
import { createContext, useContext, type ReactNode } from 'react';

export interface ParseProbe {
  onParse(chars: number): void;
  render?: (text: string) => ReactNode;
}

export const ParseProbeContext = createContext<ParseProbe | null>(null);

export function useParseProbe(): ParseProbe | null {
  return useContext(ParseProbeContext);
}
