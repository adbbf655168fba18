/**
 * A rehype plugin that turns every image into a link to it (its alt text and URL), so a remote
 * image is never fetched; the link itself still goes through the URL check and opens outside.
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';

/** How much of an image URL is shown (data: URLs can be very long). */
const SHOWN_URL_CHARS = 80;

export function rehypeImageLinks() {
  return (tree: Root): void => {
    replaceImages(tree.children);
  };
}

function replaceImages(children: Array<RootContent | ElementContent>): void {
  for (let i = 0; i < children.length; i++) {
    const node = children[i];
    if (node?.type !== 'element') continue;
    if (node.tagName === 'img') children[i] = imageLink(node);
    else replaceImages(node.children);
  }
}

function imageLink(image: Element): Element {
  const src = String(image.properties.src ?? '');
  const alt = String(image.properties.alt ?? '').trim();
  const shown = src.length > SHOWN_URL_CHARS ? `${src.slice(0, SHOWN_URL_CHARS)}…` : src;
  return {
    type: 'element',
    tagName: 'a',
    properties: { href: src, className: ['md-image-link'] },
    children: [{ type: 'text', value: `${alt || 'Image'} (${shown})` }],
  };
}
