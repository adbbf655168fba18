// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { waitFor } from '@testing-library/react';
import {
  createConversation,
  deleteConversation,
  loadAppInfo,
  loadConversations,
  renameConversation,
  resetStore,
  searchMessages,
  selectConversation,
  selectFilteredConversations,
  selectMessagesOf,
  selectSelectedConversation,
  setConnection,
  setFilter,
  showView,
  startSync,
  useTernStore,
} from '../../../renderer/src/state';
import { useFakeTern } from './setup';

const state = () => useTernStore.getState();

describe('renderer store', () => {
  const fake = useFakeTern();

  it('loads conversations, newest first', async () => {
    fake().addConversation('First');
    fake().addConversation('Second');
    await loadConversations();
    expect(state().conversationsStatus).toBe('ready');
    expect(state().conversations.map((c) => c.title)).toEqual(['Second', 'First']);
  });

  it('says why loading failed', async () => {
    fake().fail('listConversations', 'the store is locked');
    await loadConversations();
    expect(state().conversationsStatus).toBe('error');
    expect(state().conversationsError).toBe('the store is locked');
  });

  it('creates a conversation, selects it and loads its messages', async () => {
    showView('about');
    const created = await createConversation();
    expect(created?.title).toBe('New conversation');
    expect(state().conversations).toHaveLength(1);
    expect(state().selectedConversationId).toBe(created?.id);
    expect(state().view).toBe('conversation');
    await waitFor(() => expect(selectMessagesOf(state(), created?.id ?? null).status).toBe('ready'));
  });

  it('renames a conversation in place', async () => {
    const c = fake().addConversation('Old');
    await loadConversations();
    expect(await renameConversation(c.id, 'New title')).toBe(true);
    expect(state().conversations[0]?.title).toBe('New title');
    expect(fake().conversations[0]?.title).toBe('New title');
  });

  it('keeps the old title and reports when a rename fails', async () => {
    const c = fake().addConversation('Old');
    await loadConversations();
    fake().fail('renameConversation', 'disk full');
    expect(await renameConversation(c.id, 'New')).toBe(false);
    expect(state().conversations[0]?.title).toBe('Old');
    expect(state().conversationActionError).toBe('Could not rename the conversation: disk full');
  });

  it('deletes a conversation and clears the selection when it was open', async () => {
    const a = fake().addConversation('A');
    const b = fake().addConversation('B');
    await loadConversations();
    selectConversation(a.id);
    expect(await deleteConversation(a.id)).toBe(true);
    expect(state().conversations.map((c) => c.id)).toEqual([b.id]);
    expect(state().selectedConversationId).toBeNull();
    expect(state().messages[a.id]).toBeUndefined();
  });

  it('filters titles without regard to case', async () => {
    fake().addConversation('Rust notes');
    fake().addConversation('Shopping');
    fake().addConversation('rusty bikes');
    await loadConversations();
    setFilter('RUST');
    expect(selectFilteredConversations(state()).map((c) => c.title)).toEqual(['rusty bikes', 'Rust notes']);
    setFilter('   ');
    expect(selectFilteredConversations(state())).toHaveLength(3);
  });

  it('searches message text after a pause and clears hits with the filter', async () => {
    const c = fake().addConversation('Kernels');
    fake().addMessage(c.id, 'user', 'How fast is the AVX2 path?');
    await loadConversations();
    setFilter('avx2');
    expect(state().searchStatus).toBe('idle');
    await waitFor(() => expect(state().searchStatus).toBe('ready'));
    expect(state().searchHits).toHaveLength(1);
    expect(state().searchHits[0]?.snippet).toBe('How fast is the [AVX2] path?');
    expect(fake().calls.filter((call) => call.name === 'searchMessages')).toHaveLength(1);
    setFilter('');
    expect(state().searchHits).toEqual([]);
    expect(state().searchStatus).toBe('idle');
  });

  it('types quickly without searching each keystroke', async () => {
    const c = fake().addConversation('Kernels');
    fake().addMessage(c.id, 'user', 'neon dotprod');
    setFilter('n');
    setFilter('ne');
    setFilter('neo');
    await waitFor(() => expect(state().searchStatus).toBe('ready'));
    const searches = fake().calls.filter((call) => call.name === 'searchMessages');
    expect(searches).toEqual([{ name: 'searchMessages', request: { query: 'neo', limit: 20 } }]);
  });

  it('drops the answer to an older search', async () => {
    const c = fake().addConversation('K');
    fake().addMessage(c.id, 'user', 'alpha beta');
    const older = searchMessages('alpha');
    const newer = searchMessages('beta');
    await Promise.all([older, newer]);
    expect(state().searchQuery).toBe('beta');
  });

  it('reports a failed search', async () => {
    fake().fail('searchMessages', 'bad query');
    await searchMessages('x');
    expect(state().searchStatus).toBe('error');
    expect(state().searchError).toBe('bad query');
  });

  it('loads the app information', async () => {
    await loadAppInfo();
    expect(state().appInfo?.cpu.name).toBe('Test CPU 3000');
    fake().fail('getAppInfo', 'no addon');
    await loadAppInfo();
    expect(state().appInfoStatus).toBe('error');
    expect(state().appInfoError).toBe('no addon');
  });

  it('selects the open conversation and its messages', async () => {
    const c = fake().addConversation('Chat');
    fake().addMessage(c.id, 'user', 'hello');
    await loadConversations();
    selectConversation(c.id);
    expect(selectSelectedConversation(state())?.title).toBe('Chat');
    await waitFor(() => expect(selectMessagesOf(state(), c.id).items.map((m) => m.content)).toEqual(['hello']));
    expect(selectMessagesOf(state(), null).items).toEqual([]);
  });

  it('follows the host: change events reload the list and the open conversation', async () => {
    const stop = startSync();
    await waitFor(() => expect(state().conversationsStatus).toBe('ready'));
    // conversationsChanged, chatStream, contextUse, engineStatus, modelsChanged, settingsChanged, readouts, alert, apiStatus, updateStatus
    expect(fake().listenerCount).toBe(10);

    const c = fake().addConversation('Made elsewhere');
    fake().emit({ reason: 'created', conversationId: c.id });
    await waitFor(() => expect(state().conversations.map((x) => x.title)).toEqual(['Made elsewhere']));

    selectConversation(c.id);
    await waitFor(() => expect(selectMessagesOf(state(), c.id).status).toBe('ready'));
    fake().addMessage(c.id, 'user', 'arrived later');
    fake().emit({ reason: 'messages', conversationId: c.id });
    await waitFor(() => expect(selectMessagesOf(state(), c.id).items).toHaveLength(1));

    stop();
    expect(fake().listenerCount).toBe(0);
  });

  it('reloads after the connection comes back', async () => {
    await loadConversations();
    setConnection('reconnecting');
    expect(state().connection).toBe('reconnecting');
    fake().addConversation('Made while away');
    setConnection('connected');
    await waitFor(() => expect(state().conversations).toHaveLength(1));
  });

  it('follows the reply stream, the engine, the models and the settings', async () => {
    const { conversation } = fake().readyConversation();
    startSync();
    await waitFor(() => expect(state().modelsStatus).toBe('ready'));
    await waitFor(() => expect(state().settingsStatus).toBe('ready'));
    selectConversation(conversation.id);
    await waitFor(() => expect(selectMessagesOf(state(), conversation.id).status).toBe('ready'));

    const user = fake().addMessage(conversation.id, 'user', 'Hi');
    const reply = fake().addMessage(conversation.id, 'assistant', '', 'streaming');
    fake().emitEvent('chatStream', { type: 'started', conversationId: conversation.id, message: reply });
    fake().delta(reply.id, 'Hel');
    fake().delta(reply.id, 'lo');
    expect(selectMessagesOf(state(), conversation.id).items.map((m) => m.content)).toEqual(['Hello']);
    fake().finish(reply.id);
    expect(selectMessagesOf(state(), conversation.id).items.at(-1)?.status).toBe('complete');
    expect(user.id).toBeTruthy();

    fake().setEngine({ state: 'ready', modelId: conversation.modelId });
    expect(state().engine?.state).toBe('ready');
    fake().emitEvent('modelsChanged', { folder: '/elsewhere', models: [], scanning: true, defaultModelId: null });
    expect(state().modelList?.folder).toBe('/elsewhere');
    fake().emitEvent('settingsChanged', { ...fake().settings, contextTokens: 2048 });
    expect(state().settings?.contextTokens).toBe(2048);
  });

  it('after a reconnect reloads models, engine, settings and the open conversation', async () => {
    const { conversation } = fake().readyConversation();
    await loadConversations();
    selectConversation(conversation.id);
    await waitFor(() => expect(selectMessagesOf(state(), conversation.id).status).toBe('ready'));
    setConnection('reconnecting');
    fake().calls = [];
    fake().addMessage(conversation.id, 'user', 'sent from elsewhere');
    setConnection('connected');
    await waitFor(() => expect(selectMessagesOf(state(), conversation.id).items).toHaveLength(1));
    const names = fake().calls.map((c) => c.name);
    for (const name of ['listConversations', 'listModels', 'getEngineStatus', 'getSettings', 'getContextUse'] as const) {
      expect(names).toContain(name);
    }
  });

  it('resets to the initial state', async () => {
    fake().addConversation('A');
    await loadConversations();
    setFilter('a');
    showView('about');
    resetStore();
    expect(state().conversations).toEqual([]);
    expect(state().filter).toBe('');
    expect(state().view).toBe('conversation');
    expect(state().conversationsStatus).toBe('idle');
  });
});
