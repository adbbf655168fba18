/**
 * Chat through the real services: the dispatcher, the store, the model library and the engine in
 * its own process (the built worker, the real addon, a fixture model in the models folder).
 * Covers streaming into the store, KV reuse on a follow-up, idempotent Send, Stop, Continue, the
 * engine dying mid-reply, deleting a conversation mid-reply, and closing mid-reply; Regenerate and
 * Edit (new versions beside the old, idempotent, refused while a reply streams), and deleting a
 * message with a reply streaming below it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BranchMessage, ChatStreamEvent, Conversation, EventName, EventPayload, Message, SendResult, WireResult } from '../../../electron/common/contract';
import { type Dispatch, createDispatcher } from '../../../electron/services/dispatcher';
import { type EngineProcess, forkLauncher } from '../../../electron/services/engine-host/host';
import { loadAddon } from '../../../electron/services/native';
import type { Machine } from '../../../electron/services/models/fit';
import { type Services, openServices } from '../../../electron/services/services';
import { built, synthChatModel, workerPath } from '../engine-host/helpers';

/**
 * The model: made here by synth (2B4T architecture, random weights, the Llama 3 vocabulary of the
 * tokenizer fixture). With its ~128k tokens an early end of turn is all but impossible, so a reply runs
 * long enough to be stopped or to have its engine killed under it.
 */
let MODEL = '';
let modelDir = '';
beforeAll(async () => {
  if (!built) return;
  modelDir = mkdtempSync(join(tmpdir(), 'tern-chat-model-'));
  MODEL = join(modelDir, 'chat.gguf');
  await synthChatModel(MODEL);
});
afterAll(() => {
  if (modelDir) rmSync(modelDir, { recursive: true, force: true });
});

let root: string;
let services: Services;
let dispatch: Dispatch;
let seen: { name: EventName; payload: EventPayload<EventName> }[];
let procs: EngineProcess[];
let requestCounter = 0;

function open(machine?: Machine): void {
  const launch = forkLauncher(workerPath);
  services = openServices({
    dataDir: join(root, 'data'),
    host: 'headless',
    owner: 'chat test',
    ...(machine ? { machine: () => machine } : {}),
    launchEngine: () => {
      const proc = launch();
      procs.push(proc);
      return proc;
    },
  });
  dispatch = createDispatcher(services.handlers);
  services.events.listen((name, payload) => seen.push({ name, payload }));
}

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'tern-chat-'));
  mkdirSync(join(root, 'data', 'models'), { recursive: true });
  copyFileSync(MODEL, join(root, 'data', 'models', 'tiny.gguf'));
  seen = [];
  procs = [];
  open();
  await services.library.scan();
});

afterEach(async () => {
  await services.close();
  rmSync(root, { recursive: true, force: true });
});

async function call<T>(method: string, params: unknown): Promise<T> {
  const result = (await dispatch(method, params)) as WireResult<T>;
  if (!result.ok) throw Object.assign(new Error(`${method}: ${result.error.message}`), { code: result.error.code });
  return result.value;
}

const requestId = () => `test-request-${++requestCounter}-${Date.now()}`;

function streamEvents(messageId: string): ChatStreamEvent[] {
  return seen
    .filter((e) => e.name === 'chatStream')
    .map((e) => e.payload as ChatStreamEvent)
    .filter((e) => (e.type === 'delta' ? e.messageId : e.message.id) === messageId);
}

async function finished(messageId: string, timeoutMs = 20_000): Promise<Message> {
  const start = Date.now();
  for (;;) {
    const done = streamEvents(messageId).filter((e) => e.type === 'finished');
    const last = done[done.length - 1];
    if (last && last.type === 'finished') return last.message;
    if (Date.now() - start > timeoutMs) throw new Error(`reply ${messageId} did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function conversationWith(sampling: Record<string, unknown>): Promise<Conversation> {
  const conversation = await call<Conversation>('createConversation', {});
  return call<Conversation>('updateConversationSettings', { id: conversation.id, settings: { sampling } });
}

describe.skipIf(!built)('chat service (real engine process)', () => {
  it('streams a reply into the store: started, deltas, finished with stats; the title comes from the first message', async () => {
    const c = await conversationWith({ temperature: 0, maxTokens: 24 });
    const sent = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'Hello there, tiny model\nsecond line' });
    expect(sent.userMessage).toMatchObject({ role: 'user', content: 'Hello there, tiny model\nsecond line', status: 'complete' });
    expect(sent.reply).toMatchObject({ role: 'assistant', status: 'streaming', parentId: sent.userMessage.id, modelName: 'tiny.gguf' });
    const reply = await finished(sent.reply.id);
    const events = streamEvents(sent.reply.id);
    expect(events[0]?.type).toBe('started');
    const deltas = events.flatMap((e) => (e.type === 'delta' ? [e] : []));
    const text = deltas.map((d) => d.text).join('');
    expect(text).toBe(reply.content);
    // Each delta says where it goes: right after the ones before it.
    let at = 0;
    for (const d of deltas) {
      expect(d.offset).toBe(at);
      at += d.text.length;
    }
    expect(['complete', 'interrupted']).toContain(reply.status);
    expect(reply.stats.generatedTokens).toBeGreaterThan(0);
    expect(reply.stats.ttftMs).toBeGreaterThan(0);
    expect(reply.stats.promptTokens).toBeGreaterThan(0);
    const stored = await call<Message[]>('listMessages', { conversationId: c.id });
    expect(stored.map((m) => m.id)).toEqual([sent.userMessage.id, sent.reply.id]);
    expect(stored[1]).toEqual({ ...reply, versionIds: [reply.id] });
    const conversations = await call<Conversation[]>('listConversations', {});
    expect(conversations[0]).toMatchObject({ id: c.id, title: 'Hello there, tiny model', modelId: services.library.list().models[0]!.id });
    expect(await call('getContextUse', { conversationId: c.id })).toMatchObject({
      conversationId: c.id,
      promptFormat: 'bitnet-2b4t',
      droppedMessages: 0,
      usedTokens: (reply.stats.promptTokens ?? 0) + (reply.stats.generatedTokens ?? 0),
    });
  });

  it('a follow-up computes only the new turn: turn 1 and its reply stay in the engine cache', async () => {
    const c = await conversationWith({ temperature: 0, maxTokens: 12 });
    const first = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'First question?' });
    const reply1 = await finished(first.reply.id);
    const turn1 = services.chat.lastGeneration(c.id)!;
    expect(turn1.promptTokensReused).toBe(0);
    const second = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'And a second one.' });
    await finished(second.reply.id);
    const turn2 = services.chat.lastGeneration(c.id)!;
    // Cached: turn 1's prompt and every reply token but the last sampled one, which was never
    // evaluated (the engine reuses at most the prompt minus one token).
    expect(turn2.promptTokensReused).toBe(turn1.promptTokens + turn1.generatedTokens - 1);
    expect(turn2.promptTokensComputed).toBe(turn2.promptTokens - turn2.promptTokensReused);
    // Exactly the new turn's tokens (end of turn, "User: …", end of turn, "Assistant: "), plus
    // the reply's last token when the reply was cut by its limit rather than ended by the model.
    const tokenizer = await loadAddon().Model.load(MODEL, { metadataOnly: true });
    const newTurn = await tokenizer.tokenize('<|eot_id|>User: And a second one.<|eot_id|>Assistant: ', { special: true, addBos: false });
    await tokenizer.dispose();
    const cutByLimit = reply1.status === 'interrupted';
    expect(turn2.promptTokensComputed).toBe(newTurn.length + (cutByLimit ? 1 : 0));
  });

  it('a Send retried with the same request id answers with the first one and runs once', async () => {
    const c = await conversationWith({ temperature: 0, maxTokens: 8 });
    const id = requestId();
    const a = await call<SendResult>('sendMessage', { requestId: id, conversationId: c.id, text: 'Once only' });
    const b = await call<SendResult>('sendMessage', { requestId: id, conversationId: c.id, text: 'Once only' });
    expect(b.userMessage.id).toBe(a.userMessage.id);
    expect(b.reply.id).toBe(a.reply.id);
    await finished(a.reply.id);
    const c2 = await call<SendResult>('sendMessage', { requestId: id, conversationId: c.id, text: 'Once only' });
    expect(c2.reply.status).not.toBe('streaming');
    expect(await call<Message[]>('listMessages', { conversationId: c.id })).toHaveLength(2);
    expect(streamEvents(a.reply.id).filter((e) => e.type === 'started')).toHaveLength(1);
  });

  it('Stop keeps the text as interrupted; Continue resumes it in the same message', async () => {
    const c = await conversationWith({ temperature: 0.8, seed: 7, maxTokens: 3000 });
    const sent = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'Talk for a long time.' });
    while (!streamEvents(sent.reply.id).some((e) => e.type === 'delta' || e.type === 'finished')) await new Promise((r) => setTimeout(r, 2));
    // Listed mid-stream, the reply has exactly the text of the deltas sent before the listing,
    // so deltas after it continue it without a gap or a repeat.
    const listed = (await call<Message[]>('listMessages', { conversationId: c.id }))[1]!;
    const deltas = streamEvents(sent.reply.id).flatMap((e) => (e.type === 'delta' ? [e] : []));
    const boundaries = [0, ...deltas.map((d) => d.offset + d.text.length)];
    expect(boundaries).toContain(listed.content.length);
    expect(deltas.map((d) => d.text).join('').startsWith(listed.content)).toBe(true);
    expect(await call('stopReply', { conversationId: c.id })).toEqual({ stopped: true });
    const stopped = await finished(sent.reply.id);
    expect(stopped.status).toBe('interrupted');
    expect(stopped.note).toMatch(/Stopped/);
    expect(stopped.content.length).toBeGreaterThan(0);
    expect(await call('stopReply', { conversationId: c.id })).toEqual({ stopped: false });

    seen = [];
    const resumed = await call<Message>('continueReply', { requestId: requestId(), messageId: sent.reply.id });
    expect(resumed).toMatchObject({ id: sent.reply.id, status: 'streaming', note: null });
    await new Promise((r) => setTimeout(r, 50));
    await call('stopReply', { conversationId: c.id });
    const after = await finished(sent.reply.id);
    expect(after.content.startsWith(stopped.content)).toBe(true);
    expect(after.content.length).toBeGreaterThanOrEqual(stopped.content.length);
    expect(await call<Message[]>('listMessages', { conversationId: c.id })).toHaveLength(2);
  });

  it('Stop while the model is still loading ends the reply at once, as interrupted with no text', async () => {
    await services.engine.unload();
    const c = await conversationWith({ temperature: 0, maxTokens: 50 });
    const sent = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'Stop before you start' });
    // The fit check comes first (an inspection in the engine process), then the load.
    await expect.poll(() => services.engine.status().state, { interval: 1 }).toBe('loading');
    await call('stopReply', { conversationId: c.id });
    const stopped = await finished(sent.reply.id);
    // Ended without waiting for the load (which goes on, for the next reply).
    expect(services.engine.status().state).toBe('loading');
    expect(stopped).toMatchObject({ status: 'interrupted', content: '' });
    expect(stopped.note).toMatch(/Stopped/);
  });

  it('the engine process dying mid-reply marks it interrupted with its text and says why; the next message is answered', async () => {
    const c = await conversationWith({ temperature: 0.8, seed: 3, maxTokens: 3000 });
    const sent = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'Keep going.' });
    while (!streamEvents(sent.reply.id).some((e) => e.type === 'delta' || e.type === 'finished')) await new Promise((r) => setTimeout(r, 2));
    process.kill(procs[procs.length - 1]!.pid!, 'SIGKILL');
    const crashed = await finished(sent.reply.id);
    expect(crashed.status).toBe('interrupted');
    expect(crashed.note).toMatch(/engine stopped unexpectedly .*SIGKILL/);
    const stored = await call<Message[]>('listMessages', { conversationId: c.id });
    expect(stored[1]).toMatchObject({ status: 'interrupted', content: crashed.content });

    await call('updateConversationSettings', { id: c.id, settings: { sampling: { temperature: 0, maxTokens: 6 } } });
    const next = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'Still there?' });
    const answered = await finished(next.reply.id);
    expect(answered.stats.generatedTokens).toBeGreaterThan(0);
    expect(procs.length).toBe(2);
  });

  it('deleting a conversation cancels its reply; closing mid-reply stores it as interrupted', async () => {
    const c = await conversationWith({ temperature: 0.8, seed: 5, maxTokens: 3000 });
    const sent = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'Delete me.' });
    await call('deleteConversation', { id: c.id });
    expect(services.chat.busy()).toBe(false);

    const d = await conversationWith({ temperature: 0.8, seed: 6, maxTokens: 3000 });
    const other = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: d.id, text: 'Close while I talk.' });
    while (!streamEvents(other.reply.id).some((e) => e.type === 'delta' || e.type === 'finished')) await new Promise((r) => setTimeout(r, 2));
    await services.close();
    open();
    const kept = await call<Message[]>('listMessages', { conversationId: d.id });
    expect(kept[1]).toMatchObject({ id: other.reply.id, status: 'interrupted' });
    expect(kept[1]!.note).toMatch(/closed|stopped/i);
    expect(sent.reply.id).not.toBe(other.reply.id);
  });

  it('Regenerate makes a new version beside the old one; both stay reachable; a retry answers the first', async () => {
    const c = await conversationWith({ temperature: 0.8, maxTokens: 6 });
    const sent = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'Say something.' });
    const first = await finished(sent.reply.id);
    const id = requestId();
    const again = await call<Message>('regenerateReply', { requestId: id, messageId: sent.reply.id });
    expect(again).toMatchObject({ role: 'assistant', status: 'streaming', parentId: sent.userMessage.id, modelName: 'tiny.gguf' });
    expect(again.id).not.toBe(sent.reply.id);
    expect((await call<Message>('regenerateReply', { requestId: id, messageId: sent.reply.id })).id).toBe(again.id);
    const second = await finished(again.id);
    expect(second.stats.generatedTokens).toBeGreaterThan(0);
    expect(streamEvents(again.id).filter((e) => e.type === 'started')).toHaveLength(1);
    expect(streamEvents(again.id).some((e) => e.type === 'delta')).toBe(true);

    const shown = await call<BranchMessage[]>('listMessages', { conversationId: c.id });
    expect(shown.map((m) => m.id)).toEqual([sent.userMessage.id, again.id]);
    expect(shown[1]!.versionIds).toEqual([sent.reply.id, again.id]);
    expect(shown[0]!.versionIds).toEqual([sent.userMessage.id]);
    // The switcher: back to the first version, kept as it was.
    seen = [];
    expect(await call<Conversation>('activateMessage', { messageId: sent.reply.id })).toMatchObject({ activeLeafId: sent.reply.id });
    expect(seen).toContainEqual({ name: 'conversationsChanged', payload: { reason: 'messages', conversationId: c.id } });
    expect((await call<BranchMessage[]>('listMessages', { conversationId: c.id }))[1]).toEqual({ ...first, versionIds: [sent.reply.id, again.id] });
    await expect(call('regenerateReply', { requestId: requestId(), messageId: sent.userMessage.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('Edit sends a new branch with its own reply; the old branch stays reachable; a retry answers the first', async () => {
    const c = await conversationWith({ temperature: 0, maxTokens: 4 });
    const q1 = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'First wording' });
    await finished(q1.reply.id);
    const q2 = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'A follow-up' });
    await finished(q2.reply.id);

    const id = requestId();
    const edited = await call<SendResult>('editMessage', { requestId: id, messageId: q1.userMessage.id, text: 'Second wording' });
    expect(edited.userMessage).toMatchObject({ role: 'user', content: 'Second wording', parentId: null });
    expect(edited.reply).toMatchObject({ role: 'assistant', status: 'streaming', parentId: edited.userMessage.id });
    const retried = await call<SendResult>('editMessage', { requestId: id, messageId: q1.userMessage.id, text: 'Second wording' });
    expect([retried.userMessage.id, retried.reply.id]).toEqual([edited.userMessage.id, edited.reply.id]);
    await finished(edited.reply.id);

    const shown = await call<BranchMessage[]>('listMessages', { conversationId: c.id });
    expect(shown.map((m) => m.id)).toEqual([edited.userMessage.id, edited.reply.id]);
    expect(shown[0]!.versionIds).toEqual([q1.userMessage.id, edited.userMessage.id]);
    await call('activateMessage', { messageId: q1.userMessage.id });
    expect((await call<BranchMessage[]>('listMessages', { conversationId: c.id })).map((m) => m.id)).toEqual([
      q1.userMessage.id,
      q1.reply.id,
      q2.userMessage.id,
      q2.reply.id,
    ]);
    await expect(call('editMessage', { requestId: requestId(), messageId: q1.reply.id, text: 'x' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('a reply’s prompt is its own branch even when another branch is shown meanwhile', async () => {
    const c = await conversationWith({ temperature: 0, maxTokens: 4 });
    const q1 = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'Short' });
    const first = await finished(q1.reply.id);
    const longer = 'A much longer wording of the question, with many more words in it than before.';
    // Switched back in the same tick, before the reply's prompt is built.
    const edited = services.chat.edit({ requestId: requestId(), messageId: q1.userMessage.id, text: longer });
    void services.handlers.activateMessage({ messageId: q1.userMessage.id });
    const reply = await finished(edited.reply.id);
    expect(reply.stats.promptTokens).toBeGreaterThan((first.stats.promptTokens ?? 0) + 10);
    expect((await call<BranchMessage[]>('listMessages', { conversationId: c.id })).map((m) => m.id)).toEqual([q1.userMessage.id, q1.reply.id]);
  });

  it('Regenerate and Edit are refused while a reply is being written in the conversation', async () => {
    const c = await conversationWith({ temperature: 0.8, seed: 9, maxTokens: 3000 });
    const sent = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'Talk at length.' });
    await expect(call('regenerateReply', { requestId: requestId(), messageId: sent.reply.id })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(call('editMessage', { requestId: requestId(), messageId: sent.userMessage.id, text: 'Other' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await call('stopReply', { conversationId: c.id });
    await finished(sent.reply.id);
    expect((await call<BranchMessage[]>('listMessages', { conversationId: c.id })).map((m) => m.versionIds)).toEqual([[sent.userMessage.id], [sent.reply.id]]);
  });

  it('deleting a message cancels a reply streaming below it, and only that', async () => {
    const c = await conversationWith({ temperature: 0, maxTokens: 4 });
    const q1 = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'Old wording' });
    await finished(q1.reply.id);
    await call('updateConversationSettings', { id: c.id, settings: { sampling: { temperature: 0.8, seed: 4, maxTokens: 3000 } } });
    const edited = await call<SendResult>('editMessage', { requestId: requestId(), messageId: q1.userMessage.id, text: 'New wording' });
    while (!streamEvents(edited.reply.id).some((e) => e.type === 'delta' || e.type === 'finished')) await new Promise((r) => setTimeout(r, 2));

    // The old branch goes; the reply on the new one keeps streaming.
    const afterOld = await call<Conversation>('deleteMessage', { messageId: q1.userMessage.id });
    expect(afterOld).toMatchObject({ activeLeafId: edited.reply.id, messageCount: 2 });
    expect(services.chat.busy()).toBe(true);
    expect((await call<BranchMessage[]>('listMessages', { conversationId: c.id }))[0]!.versionIds).toEqual([edited.userMessage.id]);

    seen = [];
    const afterNew = await call<Conversation>('deleteMessage', { messageId: edited.userMessage.id });
    expect(afterNew).toMatchObject({ activeLeafId: null, messageCount: 0 });
    expect(services.chat.busy()).toBe(false);
    expect(await call('listMessages', { conversationId: c.id })).toEqual([]);
    expect(seen).toContainEqual({ name: 'conversationsChanged', payload: { reason: 'messages', conversationId: c.id } });
    await new Promise((r) => setTimeout(r, 300));
    expect(streamEvents(edited.reply.id).filter((e) => e.type === 'finished')).toEqual([]);
    const next = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'Fresh start' });
    expect(next.userMessage.parentId).toBeNull();
    await call('stopReply', { conversationId: c.id });
    await finished(next.reply.id);
  });

  it('says plainly when there is no model, or the chosen one is gone', async () => {
    rmSync(join(root, 'data', 'models', 'tiny.gguf'));
    await services.library.scan();
    const c = await call<Conversation>('createConversation', {});
    await expect(call('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'hi' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining(join(root, 'data', 'models')),
    });
    expect(await call<Message[]>('listMessages', { conversationId: c.id })).toEqual([]);
  });
});

describe.skipIf(!built)('a model too large for this machine', () => {
  it('is not loaded by a reply, which says so; Load with the override still can', async () => {
    await services.close();
    open({ availableMemoryBytes: 100e6, totalMemoryBytes: 1024 ** 3 });
    await services.library.scan();
    const c = await call<Conversation>('createConversation', {});
    const sent = await call<SendResult>('sendMessage', { requestId: requestId(), conversationId: c.id, text: 'hi' });
    const reply = await finished(sent.reply.id);
    expect(reply.status).toBe('error');
    expect(reply.note).toMatch(/could not be loaded: Too large: needs about .* of memory, this computer has 1\.1 GB\. To try anyway, use Load in Models/);
    expect(services.engine.loaded()).toBeNull();

    const [model] = services.library.list().models;
    await expect(call('loadModel', { modelId: model!.id })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(call('loadModel', { modelId: model!.id, override: true })).resolves.toMatchObject({ state: 'ready' });
  });
});

describe.skipIf(!built)('the model a conversation starts with', () => {
  it('is the one chosen last, or the only one there is', async () => {
    const [model] = services.library.list().models;
    const first = await call<Conversation>('createConversation', {});
    expect(first.modelId).toBe(model!.id);
    await call('setConversationModel', { id: first.id, modelId: model!.id });
    expect((await call<Conversation>('createConversation', {})).modelId).toBe(model!.id);
    rmSync(join(root, 'data', 'models', 'tiny.gguf'));
    await services.library.scan();
    expect((await call<Conversation>('createConversation', {})).modelId).toBeNull();
  });
});
