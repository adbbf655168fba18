/**
 * One top-level Markdown block, parsed and rendered. Memoized on its text: a finished block of a
 * streaming reply is never parsed again while later blocks grow.
 */
import { memo } from 'react';
import Markdown from 'react-markdown';
import { showOrphanDefinitions } from '../../../../lib/markdown';
import { MARKDOWN_OPTIONS } from './options';
import { useParseProbe } from './ParseProbe';

export const MarkdownBlock = memo(function MarkdownBlock({ text }: { text: string }) {
  const probe = useParseProbe();
  const source = showOrphanDefinitions(text);
  probe?.onParse(source.length);
  if (probe?.render) return probe.render(source);
  return <Markdown {...MARKDOWN_OPTIONS}>{source}</Markdown>;
});
