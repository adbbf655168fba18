// @vitest-environment jsdom
// Replies render as safe Markdown (nothing runs or loads); what the user typed stays plain text.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageContent } from '../../../renderer/src/features/chat/components/MessageContent';
import type { Message } from '../../../renderer/src/lib/contract';
import { FakeTern } from './fakeApi';

function message(role: Message['role'], content: string, status: Message['status'] = 'complete'): Message {
  return new FakeTern().addMessage('c1', role, content, status);
}

function renderReply(content: string, status: Message['status'] = 'complete'): HTMLElement {
  const { container } = render(<MessageContent message={message('assistant', content, status)} />);
  return container.querySelector('.message-content') as HTMLElement;
}

const FORBIDDEN = 'img, iframe, script, object, embed, style, form, link, meta, base, video, audio, source, svg, math, textarea, button:not(.md-copy-button), select, frame, frameset';

function setClipboard(value: unknown): void {
  Object.defineProperty(navigator, 'clipboard', { value, configurable: true });
}

afterEach(() => {
  cleanup();
  setClipboard(undefined);
});

describe('a reply', () => {
  it('renders headings, lists, task lists, tables, quotes, strikethrough and inline code', () => {
    const content = renderReply(
      [
        '# Title',
        '## Part',
        'Some *em*, **strong**, ~~gone~~ and `code`.',
        '- one\n- two\n  - nested',
        '1. first\n2. second',
        '- [x] done\n- [ ] to do',
        '| Model | Speed |\n| :-- | --: |\n| 2B | 31.2 |',
        '> quoted',
        '---',
      ].join('\n\n'),
    );
    expect(content.querySelector('h1')?.textContent).toBe('Title');
    expect(content.querySelector('h2')?.textContent).toBe('Part');
    expect(content.querySelector('em')?.textContent).toBe('em');
    expect(content.querySelector('strong')?.textContent).toBe('strong');
    expect(content.querySelector('del')?.textContent).toBe('gone');
    expect(content.querySelector('p code')?.textContent).toBe('code');
    expect(content.querySelectorAll('ul > li')).toHaveLength(5);
    expect(content.querySelector('ul ul li')?.textContent).toBe('nested');
    expect(content.querySelectorAll('ol > li')).toHaveLength(2);
    const boxes = [...content.querySelectorAll('input')];
    expect(boxes.map((box) => [box.type, box.checked, box.disabled])).toEqual([
      ['checkbox', true, true],
      ['checkbox', false, true],
    ]);
    const table = within(content).getByRole('table');
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Model', 'Speed']);
    expect(within(table).getAllByRole('cell').map((td) => td.textContent)).toEqual(['2B', '31.2']);
    expect(table.parentElement?.className).toBe('md-table-wrap');
    expect(content.querySelector('blockquote')?.textContent?.trim()).toBe('quoted');
    expect(content.querySelector('hr')).not.toBeNull();
  });

  it('highlights a code block with a named language, with highlight.js classes only', () => {
    const content = renderReply('```ts\nconst answer: number = 42; // yes\n```');
    const code = content.querySelector('.md-code-block pre.md-code > code') as HTMLElement;
    expect(code.className).toBe('hljs language-ts');
    expect(code.textContent).toBe('const answer: number = 42; // yes\n');
    expect(code.querySelector('.hljs-keyword')?.textContent).toBe('const');
    expect(code.querySelector('.hljs-number')?.textContent).toBe('42');
    expect(code.querySelector('.hljs-comment')?.textContent).toBe('// yes');
    expect(content.querySelector('[style]')).toBeNull();
    expect(content.querySelector('.md-code-language')?.textContent).toBe('ts');
  });

  it('does not guess a language when none is named', () => {
    const content = renderReply('```\nconst a = 1;\n```');
    const code = content.querySelector('pre code') as HTMLElement;
    expect(code.querySelector('span')).toBeNull();
    expect(content.querySelector('.md-code-language')?.textContent).toBe('text');
  });

  it('copies a code block’s exact text with Copy code', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    setClipboard({ writeText });
    renderReply('Two blocks:\n\n```py\ndef f():\n    return "<b>"\n```\n\n```\nsecond\n```');
    const buttons = screen.getAllByRole('button', { name: 'Copy code' });
    expect(buttons).toHaveLength(2);
    await act(async () => fireEvent.click(buttons[0] as HTMLElement));
    expect(writeText).toHaveBeenCalledWith('def f():\n    return "<b>"\n');
    expect(screen.getAllByRole('status')[0]?.textContent).toBe('Copied');
  });

  it('says so when the clipboard is missing or refuses', async () => {
    renderReply('```\nx\n```');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy code' })));
    expect(screen.getByRole('status').textContent).toBe('Could not copy');
    cleanup();

    setClipboard({ writeText: () => Promise.reject(new Error('denied')) });
    renderReply('```\nx\n```');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy code' })));
    expect(screen.getByRole('status').textContent).toBe('Could not copy');
  });

  it('opens web and mail links outside the app, with no opener or referrer', () => {
    const content = renderReply('[site](https://example.com/a) and [mail](mailto:a@example.com) and <https://auto.example>');
    const links = [...content.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/a', 'mailto:a@example.com', 'https://auto.example/']);
    for (const link of links) {
      expect(link.getAttribute('target')).toBe('_blank');
      expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    }
  });

  it('leaves script, data and in-app links dead', () => {
    const content = renderReply(
      '[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](vbscript:msgbox(1)) [d](data:text/html;base64,PHNjcmlwdD4=) [e](/settings) [f](#top) [g](file:///etc/passwd)\n\n[ref]: javascript:alert(2)\n[h][ref]',
    );
    expect(content.querySelectorAll('a')).toHaveLength(0);
    expect([...content.querySelectorAll('.md-link-dead')].map((span) => span.textContent)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  it('shows an image as a link to it and never loads it', () => {
    const content = renderReply('![a cat](https://example.com/cat.png) ![](javascript:alert(1)) ![x](data:image/png;base64,AAAA)');
    expect(content.querySelector('img')).toBeNull();
    const link = content.querySelector('a.md-image-link') as HTMLAnchorElement;
    expect(link.textContent).toBe('a cat (https://example.com/cat.png)');
    expect(link.getAttribute('href')).toBe('https://example.com/cat.png');
    expect([...content.querySelectorAll('.md-link-dead')].map((span) => span.textContent)).toEqual([
      'Image (javascript:alert(1))',
      'x (data:image/png;base64,AAAA)',
    ]);
  });

  it('shows HTML in the text as text and lets nothing run or load', () => {
    const payloads = [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '<iframe src="https://example.com"></iframe>',
      '<object data="x.swf"></object><embed src="x.swf">',
      '<style>body{display:none}</style>',
      '<form action="https://example.com"><input name=q></form>',
      '<svg onload=alert(1)><circle/></svg>',
      'Inline <b onclick="alert(1)">bold</b> and <a href="javascript:alert(1)">x</a>',
      '<details open ontoggle=alert(1)>',
      '[x](<javascript:alert(1)>) [y]( javascript:alert(1) )',
      '![i](https://example.com/track.gif "title")',
      '<video src=x onerror=alert(1)>',
      '```html\n<script>alert(1)</script>\n```',
    ];
    const content = renderReply(payloads.join('\n\n'));
    expect(content.querySelectorAll(FORBIDDEN)).toHaveLength(0);
    expect(content.querySelector('b, details, [onclick], [onerror], [onload], [ontoggle], [style], [src]')).toBeNull();
    for (const link of content.querySelectorAll('a')) expect(link.getAttribute('href')).toMatch(/^(https?:|mailto:)/);
    expect(content.textContent).toContain('<script>alert(1)</script>');
    expect(content.textContent).toContain('<b onclick="alert(1)">');
    expect(content.querySelectorAll('input')).toHaveLength(0);
  });

  it('renders a reply still arriving sensibly: an open fence as code, a half table held back', () => {
    let content = renderReply('Here:\n\n```js\nlet a = 1;\n', 'streaming');
    expect(content.querySelector('pre code')?.textContent).toBe('let a = 1;\n');
    expect(screen.getByRole('button', { name: 'Copy code' })).toBeTruthy();
    expect(content.textContent).not.toContain('```');
    cleanup();

    content = renderReply('Speeds:\n\n| Model | Tok', 'streaming');
    expect(content.textContent).toBe('Speeds:');
    cleanup();
    content = renderReply('Speeds:\n\n| Model | Tok/s |\n| --- | --- |\n| 2B | 3', 'streaming');
    expect(within(content).getAllByRole('row')).toHaveLength(1);
    expect(content.querySelector('.typing')).not.toBeNull();
  });

  it('shows definitions whose uses are in other blocks as text instead of dropping them', () => {
    const content = renderReply('A claim [source][1] with a note[^n].\n\nMore text.\n\n[1]: https://example.com/paper\n[^n]: The note itself.');
    expect(content.textContent).toContain('[^n]: The note itself.');
    expect(content.textContent).toContain('[1]: https://example.com/paper');
    expect(content.querySelector('a[href="https://example.com/paper"]')).not.toBeNull();
  });

  it('the same text, finished, renders without repairs', () => {
    const content = renderReply('Some **bold');
    expect(content.textContent).toBe('Some **bold');
    expect(content.querySelector('strong')).toBeNull();
    cleanup();
    expect(renderReply('Some **bold', 'streaming').querySelector('strong')?.textContent).toBe('bold');
  });
});

describe('a user message', () => {
  it('stays exactly as typed: whitespace, Markdown and angle brackets as text', () => {
    const typed = '  # not a heading\n\n<b>not bold</b>   **x**\n```\ncode\n';
    const { container } = render(<MessageContent message={message('user', typed)} />);
    const content = container.querySelector('.message-content') as HTMLElement;
    expect(content.textContent).toBe(typed);
    expect(content.children).toHaveLength(0);
    expect(content.classList.contains('markdown')).toBe(false);
  });
});
