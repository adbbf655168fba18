/**
 * Chat: a Send adds the user's message and a streaming reply, the reply's tokens come from the
 * engine process and are written to the store as they arrive, and every change goes out as
 * events. One reply at a time per conversation; replies of several conversations queue in the
 * engine host. A retried Send (same request id) answers with what the first one started.
 * Regenerate and Edit are Sends on another branch: a new reply beside the old one, or a new
 * user message beside the edited one with its reply; the new branch becomes the one shown.
 *
 * The prompt of every turn extends the last one exactly (the reply's sampled ids are kept, not
 * re-tokenized), so the engine computes only the new tokens of a follow-up.
 */
import { randomInt } from 'node:crypto';
import {
  type AppSettings,
  type ContextUse,
  type Conversation,
  type Message,
  type ModelFile,
  type Sampling,
  type SendResult,
  TernError,
} from '../../common/contract';
import { AbortedBeforeStart, untilAborted } from '../abortable';
import type { EventBus } from '../dispatcher';
import { type EngineHost, EngineCrashedError, type LoadedModel } from '../engine-host/types';
import type { GenerateResult, TokenEvent } from '../native';
import type { ModelLibrary } from '../models/library';
import type { SettingsService } from '../settings';
import type { Store } from '../store';
import type { RequestTracker, TelemetryService } from '../telemetry/service';
import { ContextOverflowError, fitToContext } from './context';
import { NOTE_CLOSED, NOTE_STOPPED, crashNote, endNote } from './notes';
import type { PromptMessage, PromptTokenizer } from './prompt';
import { ReplyWriter } from './reply-writer';
import { titleFrom } from './titles';

export interface ChatServiceDeps {
  store: Store;
  events: EventBus;
  engine: EngineHost;
  library: ModelLibrary;
  settings: SettingsService;
  /**
   * Runs before a reply loads a model that is not loaded yet (the fit check): a throw ends the
   * reply with its message, and the model stays unloaded.
   */
  beforeLoad?: (model: ModelFile, nCtx: number) => Promise<void>;
  /**
   * Tuning (TuningService): a model's own default profile before it loads, the load with the
   * micro-batch and head in force, and the CPU threads of each request. Absent: the engine's defaults.
   */
  tuning?: ChatTuning;
  /** Measures each reply (readouts, energy, metrics, alerts); absent: replies carry no energy. */
  telemetry?: Pick<TelemetryService, 'track'>;
  log?: (message: string) => void;
}

/** What chat needs of tuning. */
export interface ChatTuning {
  /** Applies the model's own default profile when it is not the one loaded. */
  useModel(model: ModelFile): void;
  /** Loads the model with the values in force. */
  load(model: ModelFile): Promise<LoadedModel>;
  /** The CPU threads for the next request. */
  threads(): number;
}

/** What the last generation of a conversation computed (tests check the KV reuse with it). */
export type GenerationRecord = Pick<GenerateResult, 'promptTokens' | 'promptTokensReused' | 'promptTokensComputed' | 'generatedTokens'>;

interface Reply {
  conversationId: string;
  messageId: string;
  controller: AbortController;
  /** Resolves when the reply is stored for good (complete, interrupted or error). */
  done: Promise<void>;
  /** Why it was aborted: the user stopped it, or Tern is closing. */
  abortReason: 'stopped' | 'closing' | 'deleted' | null;
  /** The content as sent in delta events so far (what a client loading the message now sees). */
  shown: string;
}

/** Text from the engine is pushed to the window at most this often (it can make thousands of tokens a second). */
const DELTA_INTERVAL_MS = 30;

export class ChatService {
  private readonly replies = new Map<string, Reply>();
  private readonly contextUse = new Map<string, ContextUse>();
  private readonly generations = new Map<string, GenerationRecord>();
  private readonly continueRequests = new Map<string, string>();
  private readonly log: (message: string) => void;
  private closing = false;

  constructor(private readonly deps: ChatServiceDeps) {
    this.log = deps.log ?? (() => {});
  }

  // ---- Calls ------------------------------------------------------------------------------

  send(request: { requestId: string; conversationId: string; text: string }): SendResult {
    const { store } = this.deps;
    const earlier = store.messages.findByRequest(request.requestId);
    if (earlier) return this.earlierSend(earlier, request.requestId);
    const conversation = store.conversations.require(request.conversationId);
    return this.ask(conversation, conversation.activeLeafId, request.text, request.requestId);
  }

  /**
   * An edited user message: a new sibling of it with the new text and its own reply, on a new
   * branch that becomes the one shown. A retry with the same request id answers the first.
   */
  edit(request: { requestId: string; messageId: string; text: string }): SendResult {
    const { store } = this.deps;
    const earlier = store.messages.findByRequest(request.requestId);
    if (earlier) return this.earlierSend(earlier, request.requestId);
    const message = store.messages.require(request.messageId);
    if (message.role !== 'user') throw new TernError('BAD_REQUEST', 'only a message you wrote can be edited');
    const conversation = store.conversations.require(message.conversationId);
    return this.ask(conversation, message.parentId, request.text, request.requestId);
  }

  /**
   * A new version of a reply: a streaming sibling answering the same message, which becomes the
   * branch shown; the old versions are kept. A retry with the same request id answers the first.
   */
  regenerate(request: { requestId: string; messageId: string }): Message {
    const { store } = this.deps;
    const earlier = store.messages.findByRequest(request.requestId);
    if (earlier) {
      if (earlier.role !== 'assistant') throw new TernError('CONFLICT', 'that request id was already used for another kind of request');
      return earlier;
    }
    const message = store.messages.require(request.messageId);
    if (message.role !== 'assistant') throw new TernError('BAD_REQUEST', 'only a reply can be regenerated');
    if (message.parentId === null) throw new TernError('BAD_REQUEST', 'this reply answers no message, so there is nothing to regenerate it from');
    const conversation = store.conversations.require(message.conversationId);
    this.checkIdle(conversation.id);
    const model = this.modelFor(conversation);
    const reply = store.messages.append({
      conversationId: conversation.id,
      parentId: message.parentId,
      role: 'assistant',
      status: 'streaming',
      modelId: model.id,
      modelName: displayName(model),
      requestId: request.requestId,
    });
    this.begin(conversation.id, reply, model);
    return reply;
  }

  /**
   * Deletes a message and its subtree; a reply streaming inside it is cancelled first (and not
   * stored). The branch shown moves as BranchRepository.delete says.
   */
  async deleteMessage(messageId: string): Promise<Conversation> {
    const { store } = this.deps;
    for (;;) {
      const conversationId = store.messages.require(messageId).conversationId;
      const reply = this.replies.get(conversationId);
      if (!reply || !store.branches.subtree(messageId).includes(reply.messageId)) break;
      await abort(reply, 'deleted');
    }
    const { conversation } = store.branches.delete(messageId);
    this.changed(conversation.id);
    return conversation;
  }

  continueReply(request: { requestId: string; messageId: string }): Message {
    const { store } = this.deps;
    const earlier = this.continueRequests.get(request.requestId);
    if (earlier) return store.messages.require(earlier);
    const message = store.messages.require(request.messageId);
    if (message.role !== 'assistant') throw new TernError('BAD_REQUEST', 'only a reply can be continued');
    if (message.status === 'streaming' && this.replies.has(message.conversationId)) return message;
    if (message.status !== 'interrupted') throw new TernError('CONFLICT', 'only an interrupted reply can be continued');
    const conversation = store.conversations.require(message.conversationId);
    this.checkIdle(conversation.id);
    const model = this.modelFor(conversation);
    if (conversation.activeLeafId !== message.id) store.conversations.setActiveLeaf(conversation.id, message.id);
    const resumed = store.messages.update(message.id, { status: 'streaming', note: null });
    this.continueRequests.set(request.requestId, message.id);
    this.changed(conversation.id);
    this.deps.events.emit('chatStream', { type: 'started', conversationId: conversation.id, message: resumed });
    this.start(conversation.id, message.id, model, true);
    return resumed;
  }

  stop(conversationId: string): boolean {
    const reply = this.replies.get(conversationId);
    if (!reply) return false;
    void abort(reply, 'stopped');
    return true;
  }

  /** Cancels the conversation's reply (it is about to be deleted) and waits until it is let go. */
  async forget(conversationId: string): Promise<void> {
    const reply = this.replies.get(conversationId);
    this.contextUse.delete(conversationId);
    if (reply) await abort(reply, 'deleted');
  }

  /**
   * The messages with each streaming reply's text as the deltas sent so far have it (the store
   * may be behind by a flush, or ahead by a delta not yet sent): a client that loads a reply
   * mid-stream and then applies the following deltas has exactly the text.
   */
  withLiveText<T extends Message>(messages: T[]): T[] {
    return messages.map((message) => {
      const reply = this.replies.get(message.conversationId);
      return reply && reply.messageId === message.id && message.status === 'streaming' ? { ...message, content: reply.shown } : message;
    });
  }

  getContextUse(conversationId: string): ContextUse | null {
    this.deps.store.conversations.require(conversationId);
    return this.contextUse.get(conversationId) ?? null;
  }

  /** What the last generation of a conversation reused and computed. */
  lastGeneration(conversationId: string): GenerationRecord | undefined {
    return this.generations.get(conversationId);
  }

  /** Whether a reply is being written (Electron asks before quitting then). */
  busy(): boolean {
    return this.replies.size > 0;
  }

  /** Stops every reply and waits until each is stored as interrupted with its text. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.replies.values()].map((reply) => abort(reply, 'closing')));
  }

  /** The model a conversation uses: its own, else the default, else the only runnable one. */
  modelFor(conversation: Conversation): ModelFile {
    const { library, settings, store } = this.deps;
    const chosen = conversation.modelId ?? settings.defaultModelId();
    if (chosen) {
      const model = library.get(chosen);
      if (!model) throw new TernError('UNAVAILABLE', 'The model chosen for this conversation is no longer in the library; choose another.');
      if (model.problem) throw new TernError('UNAVAILABLE', `${model.fileName} cannot run: ${model.problem}.`);
      if (!conversation.modelId) store.conversations.setModel(conversation.id, model.id);
      return model;
    }
    const runnable = library.runnable();
    if (runnable.length === 1) {
      store.conversations.setModel(conversation.id, runnable[0]!.id);
      return runnable[0]!;
    }
    throw new TernError(
      'UNAVAILABLE',
      runnable.length === 0 ? `No model to answer with: put a .gguf file in ${library.folder}.` : 'Choose a model for this conversation first.',
    );
  }

  // ---- A reply ----------------------------------------------------------------------------

  /** Adds the user's message under `parentId` and starts its reply: a Send, or an edit. */
  private ask(conversation: Conversation, parentId: string | null, text: string, requestId: string): SendResult {
    const { store } = this.deps;
    this.checkIdle(conversation.id);
    const model = this.modelFor(conversation);
    const { userMessage, reply } = store.db.transaction(() => {
      const user = store.messages.append({ conversationId: conversation.id, parentId, role: 'user', content: text, requestId });
      if (conversation.messageCount === 0 && conversation.title === 'New conversation') {
        store.conversations.rename(conversation.id, titleFrom(text));
      }
      const answer = store.messages.append({
        conversationId: conversation.id,
        parentId: user.id,
        role: 'assistant',
        status: 'streaming',
        modelId: model.id,
        modelName: displayName(model),
        requestId: replyRequestId(requestId),
      });
      return { userMessage: user, reply: answer };
    })();
    this.begin(conversation.id, reply, model);
    return { userMessage, reply };
  }

  /** Announces a new streaming reply and runs it. */
  private begin(conversationId: string, reply: Message, model: ModelFile): void {
    this.changed(conversationId);
    this.deps.events.emit('chatStream', { type: 'started', conversationId, message: reply });
    this.start(conversationId, reply.id, model, false);
  }

  private earlierSend(message: Message, requestId: string): SendResult {
    const { store } = this.deps;
    if (message.role !== 'user') throw new TernError('CONFLICT', 'that request id was already used for another kind of request');
    const userMessage = message;
    const reply = store.messages.findByRequest(replyRequestId(requestId));
    if (!reply) throw new TernError('CONFLICT', 'the reply of that request has been deleted since');
    return { userMessage, reply };
  }

  private checkIdle(conversationId: string): void {
    if (this.closing) throw new TernError('UNAVAILABLE', 'Tern is closing.');
    if (this.replies.has(conversationId)) throw new TernError('CONFLICT', 'A reply is still being written in this conversation; stop it first.');
  }

  private start(conversationId: string, messageId: string, model: ModelFile, continuing: boolean): void {
    const shown = this.deps.store.messages.require(messageId).content;
    const reply: Reply = { conversationId, messageId, controller: new AbortController(), done: Promise.resolve(), abortReason: null, shown };
    this.replies.set(conversationId, reply);
    reply.done = this.run(reply, model, continuing)
      .catch((error: unknown) => this.log(`chat: reply ${messageId} failed: ${error instanceof Error ? error.stack : String(error)}`))
      .finally(() => {
        if (this.replies.get(conversationId) === reply) this.replies.delete(conversationId);
      });
  }

  private async run(reply: Reply, model: ModelFile, continuing: boolean): Promise<void> {
    const { store, engine } = this.deps;
    const before = store.messages.require(reply.messageId);
    const prefixText = continuing ? before.content : '';
    const kept = continuing ? store.messages.tokenIds(reply.messageId) : null;
    const prefixIds = kept && kept.modelId === model.id ? kept.ids : [];
    let text = '';
    let ids: number[] = [];
    let pendingDelta = '';
    let deltaTimer: ReturnType<typeof setTimeout> | null = null;
    const sendDelta = (): void => {
      deltaTimer = null;
      if (!pendingDelta) return;
      const delta = pendingDelta;
      pendingDelta = '';
      const offset = reply.shown.length;
      reply.shown += delta;
      this.deps.events.emit('chatStream', {
        type: 'delta',
        conversationId: reply.conversationId,
        messageId: reply.messageId,
        offset,
        text: delta,
        tokens: ids.length,
      });
    };
    const writer = new ReplyWriter({
      flush: () => this.save(reply.messageId, { content: prefixText + text, tokens: { ids: [...prefixIds, ...ids], modelId: model.id } }),
    });
    /** The stream is over: the last text goes out, and the final save replaces the writer's. */
    const settle = (): void => {
      if (deltaTimer) clearTimeout(deltaTimer);
      sendDelta();
      writer.dispose();
    };
    const { tuning } = this.deps;
    try {
      tuning?.useModel(model);
    } catch (error) {
      this.log(`chat: ${model.fileName}'s own tuning profile was not applied: ${error instanceof Error ? error.message : String(error)}`);
    }
    const settings = this.effectiveSettings(reply.conversationId);
    const tracker = this.deps.telemetry?.track({
      conversationId: reply.conversationId,
      messageId: reply.messageId,
      source: 'ui',
      modelId: model.id,
      modelName: displayName(model),
    });
    let loaded: LoadedModel | null = null;
    try {
      const nCtx = contextFor(model, settings.app);
      const current = engine.loaded();
      if (this.deps.beforeLoad && (current?.modelKey !== model.id || current.nCtx !== nCtx)) {
        await untilAborted(this.deps.beforeLoad(model, nCtx), reply.controller.signal);
      }
      // Stop while the model loads ends the reply at once; the load goes on for the next one.
      loaded = await untilAborted(tuning ? tuning.load(model) : engine.load({ modelKey: model.id, path: model.path, nCtx }), reply.controller.signal);
      const fitted = await this.prompt(reply, loaded, settings, continuing);
      const maxTokens = Math.max(1, Math.min(settings.sampling.maxTokens, loaded.nCtx - fitted.ids.length));
      const threads = tuning ? tuning.threads() : null;
      const result = await engine.generate({
        source: 'ui',
        ...(threads !== null ? { threads } : {}),
        ids: fitted.ids,
        options: samplerOptions(settings.sampling, maxTokens),
        signal: reply.controller.signal,
        onStart: () => tracker?.onStart(threads),
        onToken: (event: TokenEvent) => {
          tracker?.onToken(event);
          if (event.id >= 0) ids.push(event.id);
          if (!event.text) return;
          text += event.text;
          pendingDelta += event.text;
          deltaTimer ??= setTimeout(sendDelta, DELTA_INTERVAL_MS);
          writer.token();
        },
      });
      ids = result.ids;
      text = result.text;
      settle();
      this.record(reply.conversationId, result);
      this.updateContextUse(reply.conversationId, fitted, loaded, result.generatedTokens);
      const ending = this.ending(reply, result, settings.sampling.maxTokens);
      const energy = await measured(tracker, result, ending.status === 'complete' ? 'complete' : 'interrupted', continuing ? before.stats : null);
      this.finish(reply, {
        content: prefixText + text,
        tokens: { ids: [...prefixIds, ...withoutEndOfTurn(ids, loaded)], modelId: model.id },
        ...ending,
        stats: {
          ...energy,
          promptTokens: result.promptTokens,
          generatedTokens: result.generatedTokens + (continuing ? (before.stats.generatedTokens ?? 0) : 0),
          ttftMs: result.ttftMs,
          prefillTokensPerSec: result.prefillTokensPerSecond || null,
          decodeTokensPerSec: result.decodeTokensPerSecond || null,
          threads,
        },
      });
    } catch (error) {
      settle();
      if (error instanceof EngineCrashedError) ids = error.ids;
      const failure = this.failure(reply, error, model);
      const failed = failure.status === 'error' || error instanceof EngineCrashedError;
      await measured(tracker, null, failed ? 'error' : 'interrupted', null);
      this.finish(reply, {
        content: prefixText + text,
        tokens: ids.length > 0 || prefixIds.length > 0 ? { ids: [...prefixIds, ...ids], modelId: model.id } : undefined,
        ...failure,
      });
    }
  }

  /** The prompt for this reply, trimmed to the context; remembers where the context now starts. */
  private async prompt(reply: Reply, loaded: LoadedModel, settings: EffectiveSettings, continuing: boolean) {
    const { store } = this.deps;
    // The branch down to this reply, whichever branch is shown meanwhile.
    const branch = store.messages.pathTo(reply.messageId);
    const history = (continuing ? branch : branch.slice(0, -1)).filter((m) => m.role !== 'system' && m.status !== 'error');
    const startId = store.conversations.contextStart(reply.conversationId);
    const startIndex = Math.max(0, history.findIndex((m) => m.id === startId));
    const turns: PromptMessage[] = history.map((m) => this.promptMessage(m, loaded.modelKey));
    const system = settings.systemPrompt ? { role: 'system' as const, content: settings.systemPrompt } : null;
    const fitted = await fitToContext(
      tokenizerOf(loaded, this.deps.engine),
      system,
      turns,
      { contextTokens: loaded.nCtx, reserveTokens: Math.min(settings.sampling.maxTokens, Math.floor(loaded.nCtx / 4)), startIndex },
      { continueLast: continuing },
    );
    if (fitted.trimmed) store.conversations.setContextStart(reply.conversationId, history[fitted.startIndex]?.id ?? null);
    return fitted;
  }

  private promptMessage(message: Message, modelKey: string): PromptMessage {
    const base = { role: message.role, content: message.content };
    if (message.role !== 'assistant') return base;
    const kept = this.deps.store.messages.tokenIds(message.id);
    return kept && kept.modelId === modelKey ? { ...base, ids: kept.ids } : base;
  }

  private ending(reply: Reply, result: GenerateResult, maxTokens: number): Pick<Finish, 'status' | 'note'> {
    if (result.stopReason === 'cancelled') return this.abortEnding(reply);
    if (result.stopReason === 'max_tokens') return { status: 'interrupted', note: endNote('max_tokens', maxTokens) };
    return { status: 'complete', note: endNote(result.stopReason, maxTokens) };
  }

  private abortEnding(reply: Reply): Pick<Finish, 'status' | 'note'> {
    return { status: 'interrupted', note: reply.abortReason === 'closing' ? NOTE_CLOSED : NOTE_STOPPED };
  }

  private failure(reply: Reply, error: unknown, model: ModelFile): Pick<Finish, 'status' | 'note'> {
    if (error instanceof AbortedBeforeStart || reply.controller.signal.aborted) return this.abortEnding(reply);
    if (error instanceof EngineCrashedError) return { status: 'interrupted', note: crashNote(error.message) };
    if (error instanceof ContextOverflowError) return { status: 'error', note: error.message };
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    if (code === 'CANCELLED') return this.abortEnding(reply);
    this.log(`chat: reply ${reply.messageId}: ${message}`);
    if (this.deps.engine.loaded()?.modelKey !== model.id) return { status: 'error', note: `${displayName(model)} could not be loaded: ${message}` };
    return { status: 'error', note: `The reply failed: ${message}` };
  }

  private finish(reply: Reply, finish: Finish): void {
    if (reply.abortReason === 'deleted') return;
    const message = this.save(reply.messageId, finish);
    if (!message) return;
    this.changed(reply.conversationId);
    this.deps.events.emit('chatStream', { type: 'finished', conversationId: reply.conversationId, message });
  }

  /** Writes a reply's changes; a reply whose conversation was deleted meanwhile is let go. */
  private save(messageId: string, changes: Finish): Message | null {
    try {
      return this.deps.store.messages.update(messageId, changes);
    } catch (error) {
      if (error instanceof TernError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  private record(conversationId: string, { promptTokens, promptTokensReused, promptTokensComputed, generatedTokens }: GenerateResult): void {
    this.generations.set(conversationId, { promptTokens, promptTokensReused, promptTokensComputed, generatedTokens });
  }

  private updateContextUse(
    conversationId: string,
    fitted: { ids: number[]; droppedMessages: number; format: ContextUse['promptFormat']; formatNote: string | null },
    loaded: LoadedModel,
    generated: number,
  ): void {
    const use: ContextUse = {
      conversationId,
      usedTokens: Math.min(loaded.nCtx, fitted.ids.length + generated),
      contextTokens: loaded.nCtx,
      droppedMessages: fitted.droppedMessages,
      promptFormat: fitted.format,
      formatNote: fitted.formatNote,
    };
    this.contextUse.set(conversationId, use);
    this.deps.events.emit('contextUse', use);
  }

  private effectiveSettings(conversationId: string): EffectiveSettings {
    const app = this.deps.settings.get();
    const own = this.deps.store.conversations.require(conversationId).settings;
    return {
      app,
      systemPrompt: (own.systemPrompt ?? app.systemPrompt).trim(),
      sampling: { ...app.sampling, ...definedOnly(own.sampling ?? {}) },
    };
  }

  private changed(conversationId: string): void {
    this.deps.events.emit('conversationsChanged', { reason: 'messages', conversationId });
  }
}

interface EffectiveSettings {
  app: AppSettings;
  systemPrompt: string;
  sampling: Sampling;
}

interface Finish {
  content?: string;
  status?: Message['status'];
  note?: string | null;
  tokens?: { ids: number[]; modelId: string };
  stats?: Partial<Message['stats']>;
}

/**
 * Ends the reply's measurement and answers its energy for the stored stats: a continued reply
 * adds to the energy stored before, when that came from the same source (else the sum would
 * mix sources, or leave out a part, so there is none).
 */
async function measured(
  tracker: RequestTracker | undefined,
  result: GenerateResult | null,
  status: 'complete' | 'interrupted' | 'error',
  before: Message['stats'] | null,
): Promise<Pick<Message['stats'], 'energyJoules' | 'energySource'>> {
  const metrics = tracker ? await tracker.end(result, status).catch(() => null) : null;
  const joules = metrics?.energyJoules ?? null;
  const source = metrics?.energySource ?? null;
  if (joules === null || source === null) return { energyJoules: null, energySource: null };
  if (!before || (before.generatedTokens ?? 0) === 0) return { energyJoules: joules, energySource: source };
  return before.energyJoules !== null && before.energySource === source
    ? { energyJoules: before.energyJoules + joules, energySource: source }
    : { energyJoules: null, energySource: null };
}

/** Stops a reply, saying why; resolves when it is let go. */
function abort(reply: Reply, reason: NonNullable<Reply['abortReason']>): Promise<void> {
  reply.abortReason = reason;
  reply.controller.abort();
  return reply.done;
}

function replyRequestId(requestId: string): string {
  return `${requestId}:reply`;
}

export function displayName(model: ModelFile): string {
  return model.fileName;
}

/** The context a model is loaded with: its training context, capped by the setting. */
export function contextFor(model: ModelFile, settings: AppSettings): number {
  return Math.min(model.contextLength || settings.contextTokens, settings.contextTokens);
}

function samplerOptions(sampling: Sampling, maxTokens: number) {
  return {
    temperature: sampling.temperature,
    topP: sampling.topP,
    topK: sampling.topK,
    minP: sampling.minP,
    repeatPenalty: sampling.repeatPenalty,
    maxTokens,
    // The engine's own default seed is fixed; "no seed" means a new one for every reply.
    seed: sampling.seed ?? randomInt(0, 2 ** 32),
  };
}

/** The reply's ids without the end-of-turn token that ended it (the template writes its own). */
function withoutEndOfTurn(ids: number[], loaded: LoadedModel): number[] {
  const last = ids[ids.length - 1];
  const { eos, eot } = loaded.tokenizer;
  return last !== undefined && (last === eos || last === eot) ? ids.slice(0, -1) : ids;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function tokenizerOf(loaded: LoadedModel, engine: EngineHost): PromptTokenizer {
  return {
    arch: loaded.description.arch,
    chatTemplate: loaded.description.chatTemplate,
    bos: loaded.tokenizer.bos,
    eos: loaded.tokenizer.eos,
    eot: loaded.tokenizer.eot,
    addBos: loaded.tokenizer.addBos,
    specialTokens: loaded.specialTokens,
    tokenize: (text, options) => engine.tokenize(text, options),
  };
}
