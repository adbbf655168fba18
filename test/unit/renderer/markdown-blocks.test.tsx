// Pure logic behind streamed Markdown: block splitting, display repair of the last block, URLs.
import { describe, expect, it } from 'vitest';
import { blocksOf, repairBlock, safeUrl, showOrphanDefinitions, splitBlocks, type BlockSplit } from '../../../renderer/src/lib/markdown';
import { recordedStream } from './data/recordedReply';

const blocks = (text: string) => blocksOf(splitBlocks(text));

/** Splits every prefix incrementally, as a stream would arrive one character at a time. */
function streamSplits(text: string): BlockSplit[] {
  const splits: BlockSplit[] = [];
  let previous: BlockSplit | undefined;
  for (let end = 1; end <= text.length; end++) {
    previous = splitBlocks(text.slice(0, end), previous);
    splits.push(previous);
  }
  return splits;
}

describe('splitBlocks', () => {
  it('splits at blank lines', () => {
    expect(blocks('# Title\n\nOne\nstill one.\n\n\nTwo.\n')).toEqual(['# Title', 'One\nstill one.', 'Two.\n']);
  });

  it('ignores leading blank lines and an empty text', () => {
    expect(blocks('')).toEqual([]);
    expect(blocks('\n\n  \n')).toEqual([]);
    expect(blocks('\n\nHi')).toEqual(['Hi']);
  });

  it('keeps a fenced code block with blank lines whole', () => {
    const code = '```py\ndef f():\n\n    return 1\n\n\n```';
    expect(blocks(`Before\n\n${code}\n\nAfter`)).toEqual(['Before', code, 'After']);
  });

  it('keeps an unterminated fence open to the end', () => {
    expect(blocks('Intro\n\n```js\nlet a;\n\nlet b;\n\nmore')).toEqual(['Intro', '```js\nlet a;\n\nlet b;\n\nmore']);
  });

  it('handles nested fences: a longer fence holds a shorter one, tildes hold backticks', () => {
    const outer = '````md\n```js\nx\n```\n\nstill inside\n````';
    expect(blocks(`${outer}\n\nout`)).toEqual([outer, 'out']);
    const tilde = '~~~\n```\n\n```\n~~~';
    expect(blocks(`${tilde}\n\nout`)).toEqual([tilde, 'out']);
  });

  it('does not take inline backticks for a fence', () => {
    expect(blocks('```a ` b```\n\nnext')).toEqual(['```a ` b```', 'next']);
  });

  it('keeps a loose list, indented continuations and indented code with their block', () => {
    const list = '1. one\n\n2. two\n\n   more about two\n\n- three';
    expect(blocks(`${list}\n\nAfter the list.`)).toEqual([list, 'After the list.']);
    expect(blocks('Para\n\n    indented code\n\nNext')).toEqual(['Para\n\n    indented code', 'Next']);
  });

  it('keeps a table with its rows', () => {
    const table = '| a | b |\n| - | - |\n| 1 | 2 |';
    expect(blocks(`Text\n\n${table}\n\nText`)).toEqual(['Text', table, 'Text']);
  });

  it('incrementally gives the same blocks as from scratch, and finished blocks never change', () => {
    const text = [
      '# Plan',
      '1. first\n\n2. second\n\n   detail',
      '```ts\nconst a = 1;\n\n\nconst b = 2;\n```',
      '| x | y |\n|---|---|\n| 1 | 2 |',
      '- [ ] task\n- [x] done',
      '> quote\n> more',
      '~~~\n````\n\n~~~',
      'Ending **bold** text.',
    ].join('\n\n');
    const splits = streamSplits(text);
    let finished: readonly string[] = [];
    splits.forEach((split, index) => {
      expect(blocksOf(split)).toEqual(blocks(text.slice(0, index + 1)));
      expect(split.done.slice(0, finished.length)).toEqual(finished);
      finished = split.done;
    });
    expect(blocksOf(splits[splits.length - 1] as BlockSplit)).toHaveLength(8);
  });

  it('incrementally matches from scratch on the recorded 10,000-token stream', () => {
    let text = '';
    let previous: BlockSplit | undefined;
    for (const token of recordedStream(10_000)) {
      text += token;
      previous = splitBlocks(text, previous);
    }
    expect(blocksOf(previous as BlockSplit)).toEqual(blocks(text));
  });

  it('starts over when the text did not just grow', () => {
    const first = splitBlocks('One\n\nTwo');
    expect(blocksOf(splitBlocks('Other\n\nText', first))).toEqual(['Other', 'Text']);
  });
});

describe('repairBlock', () => {
  it('closes an unterminated code fence with a matching fence', () => {
    expect(repairBlock('```js\nlet a = 1;')).toBe('```js\nlet a = 1;\n```');
    expect(repairBlock('````md\n```js\nx\n```\n')).toBe('````md\n```js\nx\n```\n````');
    expect(repairBlock('~~~\ncode\n')).toBe('~~~\ncode\n~~~');
  });

  it('drops a closing fence that is half typed', () => {
    expect(repairBlock('```js\nlet a = 1;\n``')).toBe('```js\nlet a = 1;\n```');
  });

  it('leaves a closed fence alone', () => {
    expect(repairBlock('```js\nlet a = 1;\n```')).toBe('```js\nlet a = 1;\n```');
  });

  it('holds a table back until its delimiter row is complete', () => {
    expect(repairBlock('| Model | Spe')).toBe('');
    expect(repairBlock('| Model | Speed |\n')).toBe('');
    expect(repairBlock('| Model | Speed |\n| --- | -')).toBe('');
    expect(repairBlock('Intro line\n| Model | Speed |\n| --- |')).toBe('Intro line');
    expect(repairBlock('| Model | Speed |\n| --- | --- |\n')).toBe('| Model | Speed |\n| --- | --- |\n');
  });

  it('leaves out a table row still being written', () => {
    const table = '| a | b |\n| - | - |\n| 1 | 2 |\n';
    expect(repairBlock(`${table}| 3 | 4`)).toBe(table.trimEnd());
    expect(repairBlock(table)).toBe(table);
  });

  it('closes bold, strikethrough, inline code and a link target left open on the last line', () => {
    expect(repairBlock('Some **bold te')).toBe('Some **bold te**');
    expect(repairBlock('Gone ~~old')).toBe('Gone ~~old~~');
    expect(repairBlock('Run `npm te')).toBe('Run `npm te`');
    expect(repairBlock('See [the docs](https://exa')).toBe('See the docs');
    expect(repairBlock('Done **bold** and `code`.')).toBe('Done **bold** and `code`.');
  });

  it('does not make an empty span of a marker just typed', () => {
    expect(repairBlock('Some **')).toBe('Some **');
    expect(repairBlock('**')).toBe('**');
  });

  it('waits for a line that could still make the paragraph above a heading, or open a fence', () => {
    expect(repairBlock('Here are the steps:\n-')).toBe('Here are the steps:');
    expect(repairBlock('Title\n==')).toBe('Title');
    expect(repairBlock('``')).toBe('');
    expect(repairBlock('Title\n---\n')).toBe('Title\n---\n');
    expect(repairBlock('Steps:\n- one')).toBe('Steps:\n- one');
  });

  it('leaves lists alone', () => {
    expect(repairBlock('- one\n- tw')).toBe('- one\n- tw');
    expect(repairBlock('1. one\n2.')).toBe('1. one\n2.');
  });
});

describe('showOrphanDefinitions', () => {
  it('keeps definitions used in the same block', () => {
    const block = 'See [the docs][1] and a note[^n].\n\n[1]: https://example.com\n[^n]: The note.';
    expect(showOrphanDefinitions(block)).toBe(block);
    expect(showOrphanDefinitions('[Docs]: https://example.com\nUse [docs] here.')).toBe('[Docs]: https://example.com\nUse [docs] here.');
  });

  it('shows definitions used only in other blocks as text', () => {
    expect(showOrphanDefinitions('[1]: https://example.com/a\n[^n]: The note.')).toBe('\\[1\\]: https://example.com/a\n\\[^n\\]: The note.');
    expect(showOrphanDefinitions('Plain text.')).toBe('Plain text.');
  });
});

describe('safeUrl', () => {
  it('keeps http, https and mailto', () => {
    expect(safeUrl('https://example.com/a?b=c#d')).toBe('https://example.com/a?b=c#d');
    expect(safeUrl('HTTP://Example.com')).toBe('http://example.com/');
    expect(safeUrl('mailto:someone@example.com')).toBe('mailto:someone@example.com');
  });

  it('drops scripts, data, files, relative links and fragments', () => {
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' java\nscript:alert(1)',
      'java\tscript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      '/settings',
      '../x',
      '#top',
      '//evil.example/x',
      'https//no-colon',
      '',
    ]) {
      expect(safeUrl(url), url).toBe('');
    }
  });
});
