// @vitest-environment jsdom
// Replays a recorded 10,000-token reply through the streaming Markdown renderer and measures how
// many characters the Markdown parser is handed per update: bounded by one block, not the reply.
//
// The full replay counts through a stand-in for the parser (the probe's `render`), so it runs in
// seconds; a shorter replay through the real parser checks the counts are the same ones.
import { act, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MarkdownText } from '../../../renderer/src/features/chat/components/markdown/MarkdownText';
import { ParseProbeContext, type ParseProbe } from '../../../renderer/src/features/chat/components/markdown/ParseProbe';
import { blocksOf, splitBlocks } from '../../../renderer/src/lib/markdown';
import { recordedStream } from './data/recordedReply';

const TOKENS = 10_000;
/** Tokens replayed through the real parser (jsdom makes each update cost milliseconds). */
const REAL_PARSER_TOKENS = 600;
/** What the display repair may add to a block (a closing fence, `**`, a newline). */
const REPAIR_SLACK = 16;
/** On the update that ends a block, the next block's first token is parsed too. */
const NEXT_BLOCK_START = 32;

interface Replay {
  text: string;
  perUpdate: number[];
  onFinish: number;
  container: HTMLElement;
  ms: number;
}

/** Streams `tokens` into MarkdownText one update per token, then finishes the reply. */
function replay(tokens: readonly string[], standIn: boolean): Replay {
  let parsedNow = 0;
  const probe: ParseProbe = {
    onParse: (chars) => {
      parsedNow += chars;
    },
    ...(standIn ? { render: (text: string) => <pre>{text}</pre> } : {}),
  };
  const view = (text: string, streaming: boolean) => (
    <ParseProbeContext.Provider value={probe}>
      <MarkdownText text={text} streaming={streaming} />
    </ParseProbeContext.Provider>
  );
  const perUpdate: number[] = [];
  let text = '';
  const { rerender, container } = render(view('', true));
  const started = performance.now();
  for (const token of tokens) {
    text += token;
    parsedNow = 0;
    act(() => rerender(view(text, true)));
    perUpdate.push(parsedNow);
  }
  const ms = performance.now() - started;
  parsedNow = 0;
  act(() => rerender(view(text, false)));
  return { text, perUpdate, onFinish: parsedNow, container, ms };
}

describe('streaming a 10,000-token reply', () => {
  const tokens = recordedStream(TOKENS);

  it('re-parses at most about one block per update, never the whole reply', () => {
    const { text, perUpdate, onFinish, ms } = replay(tokens, true);
    const blocks = blocksOf(splitBlocks(text));
    const largestBlock = Math.max(...blocks.map((block) => block.length));
    const total = perUpdate.reduce((sum, chars) => sum + chars, 0);
    const max = Math.max(...perUpdate);
    const mean = total / perUpdate.length;
    const p95 = [...perUpdate].sort((a, b) => a - b)[Math.floor(perUpdate.length * 0.95)] ?? 0;
    // What re-parsing the whole text on every update would cost.
    let whole = 0;
    for (let i = 0, length = 0; i < tokens.length; i++) whole += length += (tokens[i] ?? '').length;

    console.log(
      [
        `replay: ${tokens.length} tokens, final text ${text.length} chars in ${blocks.length} blocks (largest ${largestBlock}, mean ${(text.length / blocks.length).toFixed(0)})`,
        `chars handed to the parser per update: max ${max}, mean ${mean.toFixed(1)}, p95 ${p95}`,
        `total ${total} = ${(total / text.length).toFixed(1)} x final length; re-parsing the whole text every update would be ${whole} = ${(whole / text.length).toFixed(0)} x (ours: ${((100 * total) / whole).toFixed(2)}%)`,
        `on finishing: ${onFinish} chars re-parsed; replay with a stand-in parser took ${(ms / 1000).toFixed(1)} s`,
      ].join('\n'),
    );

    expect(max).toBeLessThanOrEqual(largestBlock + REPAIR_SLACK + NEXT_BLOCK_START);
    expect(mean).toBeLessThanOrEqual(largestBlock / 2);
    // Linear in the reply: each block is re-parsed once per token of its own, so the total is the
    // final length times (block size / token size), which does not grow with the reply.
    expect(total).toBeLessThanOrEqual(text.length * (largestBlock / 4));
    expect(total).toBeLessThan(whole / 50);
    expect(onFinish).toBeLessThanOrEqual(largestBlock);
  }, 120_000);

  it('the real parser is handed exactly the same characters, and renders the reply', () => {
    const head = tokens.slice(0, REAL_PARSER_TOKENS);
    const real = replay(head, false);
    const standIn = replay(head, true);
    expect(real.perUpdate).toEqual(standIn.perUpdate);
    expect(real.onFinish).toBe(standIn.onFinish);
    console.log(
      `real parser, first ${head.length} tokens in jsdom (development React): ${(real.ms / head.length).toFixed(2)} ms/update, ` +
        `mean ${(real.perUpdate.reduce((a, b) => a + b, 0) / head.length).toFixed(1)} chars parsed per update`,
    );
    expect(real.container.querySelector('h2')).not.toBeNull();
    expect(real.container.querySelector('.md-code-block pre code.hljs')).not.toBeNull();
    expect(real.container.querySelectorAll('li').length).toBeGreaterThan(2);
  }, 120_000);
});
