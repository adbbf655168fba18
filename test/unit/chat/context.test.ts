/**
 * fitToContext with the real addon's tokenizer (the synthetic BitNet fixture, metadata-only, in
 * the official 2B4T format): a conversation that fits is left whole; one that overflows loses its
 * oldest turns in one step down to half the context, keeping the system message and cutting just
 * before a user message; the next turn keeps that start (its prompt extends the previous prompt +
 * reply); a message that cannot fit at all throws a ContextOverflowError.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextOverflowError, fitToContext } from '../../../electron/services/chat/context';
import { type PromptMessage, type PromptTokenizer, buildPrompt } from '../../../electron/services/chat/prompt';
import { promptTokenizer } from './prompt-native';
import { type NativeModel, loadAddon } from '../../../electron/services/native';

const SYNTH = join(resolve(__dirname, '../../fixtures'), 'models/synth-bitnet-b1.58-i2_s.gguf');

let model: NativeModel;
let tok: PromptTokenizer;

const system: PromptMessage = { role: 'system', content: 'You answer briefly.' };

/** user/assistant pairs, ending with a user message; the replies carry sampled ids. */
async function conversation(pairs: number): Promise<PromptMessage[]> {
  const turns: PromptMessage[] = [];
  for (let i = 0; i < pairs; i++) {
    turns.push({ role: 'user', content: `Question number ${i}: tell me about ternary weights and energy.` });
    const content = `Answer number ${i}: they are minus one, zero or one, so they cost less to move.`;
    turns.push({ role: 'assistant', content, ids: await tok.tokenize(content, { special: false, addBos: false }) });
  }
  turns.push({ role: 'user', content: 'And the last question?' });
  return turns;
}

beforeAll(async () => {
  model = await loadAddon().Model.load(SYNTH, { metadataOnly: true });
  tok = promptTokenizer(model);
});

afterAll(async () => {
  await model?.dispose();
});

describe('fitToContext', () => {
  it('leaves a conversation that fits whole', async () => {
    const turns = await conversation(3);
    const whole = await buildPrompt(tok, [system, ...turns]);
    const fitted = await fitToContext(tok, system, turns, { contextTokens: whole.ids.length + 100, reserveTokens: 100, startIndex: 0 });
    expect(fitted).toMatchObject({ startIndex: 0, droppedMessages: 0, trimmed: false, format: 'bitnet-2b4t' });
    expect(fitted.ids).toEqual(whole.ids);
  });

  it('drops the oldest turns in one step down to half the context, keeping the system message', async () => {
    const turns = await conversation(12);
    const whole = await buildPrompt(tok, [system, ...turns]);
    const contextTokens = Math.floor(whole.ids.length * 0.8);
    const fitted = await fitToContext(tok, system, turns, { contextTokens, reserveTokens: 64, startIndex: 0 });
    expect(fitted.trimmed).toBe(true);
    expect(fitted.startIndex).toBeGreaterThan(0);
    expect(fitted.droppedMessages).toBe(fitted.startIndex);
    expect(turns[fitted.startIndex]?.role).toBe('user');
    expect(fitted.ids.length).toBeLessThanOrEqual(contextTokens / 2);
    // Exactly the prompt of the system message + the kept turns.
    expect(fitted.ids).toEqual((await buildPrompt(tok, [system, ...turns.slice(fitted.startIndex)])).ids);
    const systemIds = await tok.tokenize('System: You answer briefly.', { special: false, addBos: false });
    expect(fitted.ids.slice(0, 1 + systemIds.length)).toEqual([tok.bos, ...systemIds]);
    // One step, no further than needed: cutting at the user message before would not reach half.
    const previousUser = fitted.startIndex - 2;
    expect(turns[previousUser]?.role).toBe('user');
    const longer = await buildPrompt(tok, [system, ...turns.slice(previousUser)]);
    expect(longer.ids.length).toBeGreaterThan(contextTokens / 2);
  });

  it('keeps the same start on the next turn, so the prompt extends the previous one', async () => {
    const turns = await conversation(12);
    const whole = await buildPrompt(tok, [system, ...turns]);
    const options = { contextTokens: Math.floor(whole.ids.length * 0.8), reserveTokens: 64, startIndex: 0 };
    const first = await fitToContext(tok, system, turns, options);
    expect(first.trimmed).toBe(true);

    const reply = await tok.tokenize('A short reply.', { special: false, addBos: false });
    const next = [...turns, { role: 'assistant', content: 'A short reply.', ids: reply } as PromptMessage, { role: 'user', content: 'Thanks!' } as PromptMessage];
    const second = await fitToContext(tok, system, next, { ...options, startIndex: first.startIndex });
    expect(second).toMatchObject({ startIndex: first.startIndex, droppedMessages: first.startIndex, trimmed: false });
    expect(second.ids.slice(0, first.ids.length + reply.length)).toEqual([...first.ids, ...reply]);
  });

  it('trims again, from the earlier start, once the context is full again', async () => {
    const turns = await conversation(12);
    const whole = await buildPrompt(tok, [system, ...turns]);
    const options = { contextTokens: Math.floor(whole.ids.length * 0.8), reserveTokens: 64, startIndex: 0 };
    const first = await fitToContext(tok, system, turns, options);
    const more = [...turns.slice(0, -1), ...(await conversation(12))];
    const second = await fitToContext(tok, system, more, { ...options, startIndex: first.startIndex });
    expect(second.trimmed).toBe(true);
    expect(second.startIndex).toBeGreaterThan(first.startIndex);
    expect(more[second.startIndex]?.role).toBe('user');
    expect(second.ids.length).toBeLessThanOrEqual(options.contextTokens / 2);
  });

  it('fits a reply to continue, cutting before a user message', async () => {
    const turns = await conversation(12);
    turns.push({ role: 'assistant', content: 'Well,' });
    const whole = await buildPrompt(tok, [system, ...turns], { continueLast: true });
    const contextTokens = Math.floor(whole.ids.length * 0.8);
    const fitted = await fitToContext(tok, system, turns, { contextTokens, reserveTokens: 64, startIndex: 0 }, { continueLast: true });
    expect(fitted.trimmed).toBe(true);
    expect(turns[fitted.startIndex]?.role).toBe('user');
    expect(fitted.ids.length).toBeLessThanOrEqual(contextTokens / 2);
    const tail = await tok.tokenize('Well,', { special: false, addBos: false });
    expect(fitted.ids.slice(-tail.length)).toEqual(tail);
  });

  it('keeps only the last user turn when half the context cannot be reached', async () => {
    const turns = await conversation(2);
    turns[turns.length - 1] = { role: 'user', content: 'A long question. '.repeat(20) };
    const last = await buildPrompt(tok, [system, turns[turns.length - 1] as PromptMessage]);
    const contextTokens = last.ids.length + 20;
    const fitted = await fitToContext(tok, system, turns, { contextTokens, reserveTokens: 10, startIndex: 0 });
    expect(fitted.startIndex).toBe(turns.length - 1);
    expect(fitted.ids).toEqual(last.ids);
  });

  it('throws ContextOverflowError, in words, when the last user turn alone does not fit', async () => {
    const turns = await conversation(2);
    turns[turns.length - 1] = { role: 'user', content: 'A long question. '.repeat(200) };
    const last = await buildPrompt(tok, [system, turns[turns.length - 1] as PromptMessage]);
    const attempt = fitToContext(tok, system, turns, { contextTokens: 256, reserveTokens: 32, startIndex: 0 });
    await expect(attempt).rejects.toBeInstanceOf(ContextOverflowError);
    await expect(attempt).rejects.toMatchObject({ code: 'CONTEXT_OVERFLOW' });
    await expect(attempt).rejects.toThrow(new RegExp(`needs ${last.ids.length} tokens.*32 kept for the reply.*holds 256 tokens`));
  });
});
