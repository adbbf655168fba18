/**
 * The one react-markdown configuration for model text: GFM, highlight.js classes for fenced code
 * with a named language (no detection), images as links, only safe URLs, raw HTML shown as text
 * (no rehype-raw), and an allow-list of elements so nothing that runs or loads can come out.
 */
import type { Components, Options } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';
import { safeUrl } from '../../../../lib/markdown';
import { CodeBlock } from './CodeBlock';
import { MarkdownLink } from './MarkdownLink';
import { rehypeImageLinks } from './rehypeImageLinks';

/** Everything GFM Markdown produces that we show; anything else is unwrapped to its text. */
export const ALLOWED_ELEMENTS = [
  'a', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'input',
  'li', 'ol', 'p', 'pre', 'section', 'span', 'strong', 'sup', 'table', 'tbody', 'td', 'th', 'thead',
  'tr', 'ul',
];

/** Task-list boxes only: read-only checkboxes. */
function TaskBox({ checked }: { checked?: boolean | undefined }) {
  return <input type="checkbox" className="md-task-box" checked={Boolean(checked)} disabled readOnly />;
}

/**
 * rehype-highlight builds its highlighter (and registers every grammar) each time the plugin is
 * attached, and react-markdown attaches plugins on every render: build it once and reuse it, so
 * grammars are registered and compiled once per app run, not once per streamed token.
 */
const highlight = rehypeHighlight({ detect: false });
function rehypeHighlightOnce() {
  return highlight;
}

const components: Components = {
  a: ({ href, title, className, children }) => (
    <MarkdownLink href={href} title={title} className={className}>
      {children}
    </MarkdownLink>
  ),
  pre: ({ node, children }) => <CodeBlock node={node}>{children}</CodeBlock>,
  input: ({ checked }) => <TaskBox checked={checked} />,
  table: ({ children }) => (
    <div className="md-table-wrap">
      <table>{children}</table>
    </div>
  ),
};

export const MARKDOWN_OPTIONS: Readonly<Omit<Options, 'children'>> = {
  remarkPlugins: [remarkGfm],
  rehypePlugins: [rehypeImageLinks, rehypeHighlightOnce],
  urlTransform: (url) => safeUrl(url),
  allowedElements: ALLOWED_ELEMENTS,
  unwrapDisallowed: true,
  components,
};
