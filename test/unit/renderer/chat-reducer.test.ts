import { describe, expect, it } from 'vitest';
import type { BranchMessage, ChatStreamEvent, Message } from '../../../electron/common/contract';
import { NO_STATS } from '../../../renderer/src/lib/stats';
import {
  chatReducer,
  pendingMessageId,
  pendingUserMessage,
  type ChatAction,
  type MessagesByConversation,
} from '../../../renderer/src/state/chat-reducer';

let next = 1;

/** A message as the host lists it: with its versions (just itself unless given). */
function message(fields: Partial<BranchMessage> = {}): BranchMessage {
  const id = fields.id ?? `m${next++}`;
  return {
    id,
    versionIds: [id],
    conversationId: 'c1',
    parentId: null,
    role: 'assistant',
    content: '',
    status: 'complete',
    createdAt: 1_700_000_000_000,
    modelId: 'sha-model',
    modelName: 'bitnet-2b.gguf',
    note: null,
    stats: NO_STATS,
    ...fields,
  };
}

function run(state: MessagesByConversation, ...actions: ChatAction[]): MessagesByConversation {
  return actions.reduce(chatReducer, state);
}

const stream = (event: ChatStreamEvent): ChatAction => ({ type: 'stream', event });
const started = (m: Message): ChatAction => stream({ type: 'started', conversationId: m.conversationId, message: m });
/** Where the next delta of each message goes: after the text sent so far (as the host counts it). */
const sentLength = new Map<string, number>();
const delta = (m: Message, text: string, tokens: number, offset?: number): ChatAction => {
  const at = offset ?? sentLength.get(m.id) ?? m.content.length;
  sentLength.set(m.id, at + text.length);
  return stream({ type: 'delta', conversationId: m.conversationId, messageId: m.id, offset: at, text, tokens });
};
const finished = (m: Message): ChatAction => stream({ type: 'finished', conversationId: m.conversationId, message: m });

function loaded(conversationId: string, messages: BranchMessage[]): MessagesByConversation {
  return chatReducer({}, { type: 'loaded', conversationId, messages });
}

const items = (state: MessagesByConversation, id = 'c1') => state[id]?.items ?? [];
const contents = (state: MessagesByConversation, id = 'c1') => items(state, id).map((m) => m.content);

describe('chat reducer', () => {
  it('marks a conversation loading, then holds what was loaded', () => {
    const loading = chatReducer({}, { type: 'loading', conversationId: 'c1' });
    expect(loading.c1).toEqual({ status: 'loading', items: [], error: null });
    const user = message({ role: 'user', content: 'hi' });
    const ready = chatReducer(loading, { type: 'loaded', conversationId: 'c1', messages: [user] });
    expect(ready.c1).toEqual({ status: 'ready', items: [user], error: null });
  });

  it('keeps the old messages when a reload fails', () => {
    const user = message({ role: 'user', content: 'hi' });
    const state = chatReducer(loaded('c1', [user]), { type: 'loadFailed', conversationId: 'c1', error: 'locked' });
    expect(state.c1).toEqual({ status: 'error', items: [user], error: 'locked' });
  });

  it('started adds the streaming reply', () => {
    const user = message({ role: 'user', content: 'hi' });
    const reply = message({ status: 'streaming' });
    const state = run(loaded('c1', [user]), started(reply));
    expect(items(state)).toEqual([user, reply]);
  });

  it('deltas append text in order and count tokens', () => {
    const reply = message({ status: 'streaming' });
    const state = run(loaded('c1', []), started(reply), delta(reply, 'Tern', 1), delta(reply, 'ary', 2), delta(reply, ' weights\n  indented', 5));
    expect(contents(state)).toEqual(['Ternary weights\n  indented']);
    expect(items(state)[0]?.stats.generatedTokens).toBe(5);
    expect(items(state)[0]?.status).toBe('streaming');
  });

  it('finished replaces the reply with the stored message', () => {
    const reply = message({ status: 'streaming' });
    const stored = { ...reply, content: 'Done.', status: 'complete' as const, stats: { ...reply.stats, generatedTokens: 2, ttftMs: 180 } };
    const state = run(loaded('c1', []), started(reply), delta(reply, 'Do', 1), finished(stored));
    expect(items(state)).toEqual([stored]);
  });

  it('ignores a late delta after finished', () => {
    const reply = message({ status: 'streaming' });
    const stored = { ...reply, content: 'All of it', status: 'interrupted' as const, note: 'Stopped.' };
    const before = run(loaded('c1', []), started(reply), finished(stored));
    const after = chatReducer(before, delta(reply, ' and more', 9));
    expect(after).toBe(before);
    expect(contents(after)).toEqual(['All of it']);
  });

  it('leaves other conversations alone, and conversations not loaded', () => {
    const here = message({ role: 'user', content: 'mine' });
    const base = run(loaded('c1', [here]), { type: 'loaded', conversationId: 'c2', messages: [] });
    const elsewhere = message({ conversationId: 'c2', status: 'streaming' });
    const state = run(base, started(elsewhere), delta(elsewhere, 'theirs', 1));
    expect(state.c1).toBe(base.c1);
    expect(contents(state, 'c2')).toEqual(['theirs']);

    const notLoaded = message({ conversationId: 'c9', status: 'streaming' });
    expect(run(state, started(notLoaded), delta(notLoaded, 'x', 1))).toBe(state);
  });

  it('ignores a delta for a message it does not have', () => {
    const state = loaded('c1', [message({ role: 'user' })]);
    expect(chatReducer(state, delta(message({ status: 'streaming' }), 'x', 1))).toBe(state);
  });

  it('a reload replaces the list', () => {
    const a = message({ role: 'user', content: 'a' });
    const b = message({ content: 'b' });
    const c = message({ role: 'user', content: 'c' });
    const state = chatReducer(loaded('c1', [a, b]), { type: 'loaded', conversationId: 'c1', messages: [c] });
    expect(items(state)).toEqual([c]);
  });

  it('a reload of a streaming reply takes the host\'s text unless ours is further along the same text', () => {
    const reply = message({ status: 'streaming' });
    const streamed = run(loaded('c1', []), started(reply), delta(reply, 'Hello', 1));
    // The host lists a streaming reply with the text its deltas carried so far; a delta can
    // overtake the list's answer, so a list behind ours keeps ours.
    const behind = chatReducer(streamed, { type: 'loaded', conversationId: 'c1', messages: [{ ...reply, content: 'Hel' }] });
    expect(contents(behind)).toEqual(['Hello']);
    // A list further along (deltas this page missed) is taken, and later deltas go on from it.
    const ahead = chatReducer(streamed, { type: 'loaded', conversationId: 'c1', messages: [{ ...reply, content: 'Hello there' }] });
    expect(contents(ahead)).toEqual(['Hello there']);
    expect(contents(chatReducer(ahead, delta(reply, ', friend', 3, 'Hello there'.length)))).toEqual(['Hello there, friend']);
    const finishedMeanwhile = chatReducer(streamed, {
      type: 'loaded',
      conversationId: 'c1',
      messages: [{ ...reply, content: 'Hello there, friend.', status: 'complete' }],
    });
    expect(contents(finishedMeanwhile)).toEqual(['Hello there, friend.']);
  });

  it('a delta goes at its offset: text already there is not doubled, and text past a gap waits', () => {
    const reply = message({ status: 'streaming', content: 'Once upon' });
    const state = loaded('c1', [reply]);
    // The list already had " upon" (sent as a delta at offset 4): applying it again changes nothing.
    expect(contents(chatReducer(state, delta(reply, ' upon', 2, 4)))).toEqual(['Once upon']);
    expect(contents(chatReducer(state, delta(reply, ' a time', 3, 9)))).toEqual(['Once upon a time']);
    // A delta past the end (one this page never got lies between) is not glued on.
    expect(contents(chatReducer(state, delta(reply, ' time', 4, 11)))).toEqual(['Once upon']);
  });

  it('a reply first seen in a reload streams on from the listed text', () => {
    const reply = message({ status: 'streaming', content: 'Once' });
    const state = run(loaded('c1', [reply]), delta(reply, ' upon', 3, 4));
    expect(contents(state)).toEqual(['Once upon']);
  });

  describe('sending', () => {
    const pending = (requestId: string, text: string) =>
      pendingUserMessage({ requestId, conversationId: 'c1', text, parentId: null, createdAt: 1 });

    it('shows the user message at once and swaps in the stored one', () => {
      const shown = chatReducer(loaded('c1', []), { type: 'sendPending', message: pending('r1', 'Hi') });
      expect(items(shown).map((m) => m.id)).toEqual([pendingMessageId('r1')]);
      const user = message({ role: 'user', content: 'Hi' });
      const reply = message({ status: 'streaming' });
      const accepted = chatReducer(shown, { type: 'sendAccepted', requestId: 'r1', result: { userMessage: user, reply } });
      expect(items(accepted)).toEqual([user, reply]);
    });

    it('keeps the order and the streamed text when started comes before the answer', () => {
      const user = message({ role: 'user', content: 'Hi' });
      const reply = message({ status: 'streaming' });
      const state = run(
        loaded('c1', []),
        { type: 'sendPending', message: pending('r1', 'Hi') },
        started(reply),
        delta(reply, 'Hel', 1),
        { type: 'sendAccepted', requestId: 'r1', result: { userMessage: user, reply } },
      );
      expect(items(state).map((m) => m.id)).toEqual([user.id, reply.id]);
      expect(contents(state)).toEqual(['Hi', 'Hel']);
    });

    it('takes the user message back when the send fails', () => {
      const earlier = message({ role: 'user', content: 'before' });
      const state = run(
        loaded('c1', [earlier]),
        { type: 'sendPending', message: pending('r1', 'Hi') },
        { type: 'sendFailed', conversationId: 'c1', requestId: 'r1' },
      );
      expect(items(state)).toEqual([earlier]);
    });

    it('a reload keeps a message still on its way, unless the host has it', () => {
      const shown = chatReducer(loaded('c1', []), { type: 'sendPending', message: pending('r1', 'Hi') });
      expect(contents(chatReducer(shown, { type: 'loaded', conversationId: 'c1', messages: [] }))).toEqual(['Hi']);
      const stored = message({ role: 'user', content: 'Hi' });
      expect(items(chatReducer(shown, { type: 'loaded', conversationId: 'c1', messages: [stored] }))).toEqual([stored]);
    });
  });

  describe('continuing', () => {
    it('streams again and appends to the text so far', () => {
      const reply = message({ content: 'Half', status: 'interrupted', note: 'Stopped.' });
      const continuing = run(loaded('c1', [reply]), { type: 'continuePending', message: reply });
      expect(items(continuing)[0]).toMatchObject({ status: 'streaming', note: null, content: 'Half' });
      const state = run(
        continuing,
        started({ ...reply, status: 'streaming', note: null }),
        delta(reply, ' and the rest', 4),
        { type: 'continueAccepted', message: { ...reply, status: 'streaming', note: null } },
      );
      expect(contents(state)).toEqual(['Half and the rest']);
    });

    it('goes back to interrupted when the call fails', () => {
      const reply = message({ content: 'Half', status: 'interrupted', note: 'Stopped.' });
      const state = run(loaded('c1', [reply]), { type: 'continuePending', message: reply }, { type: 'continueFailed', message: reply });
      expect(items(state)).toEqual([reply]);
    });
  });

  describe('versions and branches', () => {
    const user = () => message({ role: 'user', content: 'Question' });

    it('a loaded list keeps each message’s versions', () => {
      const u = user();
      const reply = message({ parentId: u.id, versionIds: ['old', 'x'], id: 'x' });
      expect(items(loaded('c1', [u, reply]))[1]?.versionIds).toEqual(['old', 'x']);
    });

    it('a regenerated reply takes the place of the one shown and adds itself to its versions', () => {
      const u = user();
      const old = message({ parentId: u.id, content: 'Old' });
      const fresh = message({ parentId: u.id, status: 'streaming' });
      const state = run(loaded('c1', [u, old]), started(fresh), delta(fresh, 'New', 1));
      expect(items(state).map((m) => m.id)).toEqual([u.id, fresh.id]);
      expect(items(state)[1]?.versionIds).toEqual([old.id, fresh.id]);
      expect(contents(state)).toEqual(['Question', 'New']);
      // The call's answer after the started event changes nothing.
      expect(chatReducer(state, { type: 'regenerateAccepted', message: fresh })).toBe(state);
    });

    it('regenerateAccepted places the new version when its started event has not come', () => {
      const u = user();
      const old = message({ parentId: u.id, content: 'Old' });
      const fresh = message({ parentId: u.id, status: 'streaming' });
      const state = chatReducer(loaded('c1', [u, old]), { type: 'regenerateAccepted', message: fresh });
      expect(items(state).map((m) => [m.id, m.versionIds])).toEqual([
        [u.id, [u.id]],
        [fresh.id, [old.id, fresh.id]],
      ]);
    });

    it('a new version of a message in the middle cuts the branch after it', () => {
      const u1 = user();
      const a1 = message({ parentId: u1.id, content: 'A1' });
      const u2 = message({ role: 'user', parentId: a1.id, content: 'Q2' });
      const a2 = message({ parentId: u2.id, content: 'A2' });
      const fresh = message({ parentId: u1.id, status: 'streaming' });
      const state = run(loaded('c1', [u1, a1, u2, a2]), started(fresh));
      expect(items(state).map((m) => m.id)).toEqual([u1.id, fresh.id]);
    });

    it('a reply to a message in the middle follows it, and the rest goes', () => {
      const u1 = user();
      const a1 = message({ parentId: u1.id });
      const u2 = message({ role: 'user', parentId: a1.id });
      const child = message({ role: 'user', parentId: u1.id });
      expect(items(run(loaded('c1', [u1, a1, u2]), started(child))).map((m) => m.id)).toEqual([u1.id, child.id]);
    });

    it('a finished reply not on the branch shown is left out', () => {
      const u = user();
      const a = message({ parentId: u.id });
      const state = loaded('c1', [u, a]);
      const elsewhere = message({ parentId: 'not-shown' });
      expect(chatReducer(state, finished(elsewhere))).toBe(state);
    });

    it('an edit shows at once in place of the message edited, then the stored branch', () => {
      const u1 = user();
      const a1 = message({ parentId: u1.id, content: 'A1' });
      const u2 = message({ role: 'user', parentId: a1.id, content: 'Q2' });
      const a2 = message({ parentId: u2.id, content: 'A2' });
      const before = loaded('c1', [u1, a1, u2, a2]);
      const pending = pendingUserMessage({ requestId: 'r1', conversationId: 'c1', text: 'Q2, better', parentId: a1.id, createdAt: 1 });
      const shown = chatReducer(before, { type: 'editPending', editedId: u2.id, message: pending });
      expect(contents(shown)).toEqual(['Question', 'A1', 'Q2, better']);
      expect(items(shown)[2]?.versionIds).toEqual([u2.id, pending.id]);

      const stored = message({ role: 'user', parentId: a1.id, content: 'Q2, better' });
      const reply = message({ parentId: stored.id, status: 'streaming' });
      const state = run(
        shown,
        started(reply),
        delta(reply, 'Better', 1),
        { type: 'editAccepted', requestId: 'r1', result: { userMessage: stored, reply } },
      );
      expect(items(state).map((m) => m.id)).toEqual([u1.id, a1.id, stored.id, reply.id]);
      expect(items(state)[2]?.versionIds).toEqual([u2.id, stored.id]);
      expect(contents(state)).toEqual(['Question', 'A1', 'Q2, better', 'Better']);
    });

    it('a failed edit brings the branch back as it was', () => {
      const u = user();
      const a = message({ parentId: u.id });
      const before = loaded('c1', [u, a]);
      const pending = pendingUserMessage({ requestId: 'r1', conversationId: 'c1', text: 'Other', parentId: null, createdAt: 1 });
      const state = run(
        before,
        { type: 'editPending', editedId: u.id, message: pending },
        { type: 'editFailed', conversationId: 'c1', requestId: 'r1', previous: items(before) },
      );
      expect(items(state)).toEqual(items(before));
    });

    it('continuing keeps the versions of the reply', () => {
      const reply = message({ content: 'Half', status: 'interrupted', versionIds: ['v1', 'r'], id: 'r' });
      const state = run(loaded('c1', [reply]), { type: 'continuePending', message: reply }, finished({ ...reply, status: 'complete' }));
      expect(items(state)[0]?.versionIds).toEqual(['v1', 'r']);
    });
  });

  it('forgets a deleted conversation', () => {
    const state = loaded('c1', []);
    expect(chatReducer(state, { type: 'forget', conversationId: 'c1' })).toEqual({});
    expect(chatReducer(state, { type: 'forget', conversationId: 'zz' })).toBe(state);
  });
});
