/**
 * Records a normal chat session's per-reply metrics into test/fixtures/monitoring/normal-session.json,
 * which the alert rules' quiet-defaults test replays. Runs only when asked:
 *
 *   TERN_RECORD_SESSION=1 npx vitest run test/unit/telemetry/record-session.test.ts
 *
 * The model is made here with BitNet b1.58 2B4T's shapes (random weights, the Llama 3 vocabulary
 * of the tokenizer fixture), so its speed and memory are those of the real model on this machine;
 * the session asks the product brief's benchmark prompts and a few follow-ups in one conversation.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatStreamEvent, Conversation, ReplyMetrics, SendResult, WireResult } from '../../../electron/common/contract';
import { createDispatcher } from '../../../electron/services/dispatcher';
import { forkLauncher } from '../../../electron/services/engine-host/host';
import { openServices } from '../../../electron/services/services';
import { root, synthChatModel, workerPath } from '../engine-host/helpers';

const PROMPTS = [
  'What are the benefits of renewable energy?',
  'Explain machine learning algorithms',
  'How does quantum computing work?',
  'Describe sustainable development goals',
  'Explain machine learning in simple terms',
  'Thanks. Can you summarise that in three bullet points?',
  'What should I read next?',
  'One more: why is the sky blue?',
];

describe.runIf(process.env.TERN_RECORD_SESSION)('record a normal session', () => {
  it('writes the per-reply metrics of a session with a 2B4T-sized model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tern-record-'));
    try {
      mkdirSync(join(dir, 'data', 'models'), { recursive: true });
      await synthChatModel(join(dir, 'data', 'models', 'bitnet-2b4t-shaped.gguf'), { nEmbd: 2560, nLayer: 30, nHead: 20, nHeadKv: 5, nFf: 6912, seed: 11 });
      const services = openServices({ dataDir: join(dir, 'data'), host: 'headless', owner: 'recorder', launchEngine: forkLauncher(workerPath) });
      const dispatch = createDispatcher(services.handlers);
      const call = async <T,>(method: string, params: unknown): Promise<T> => {
        const result = (await dispatch(method, params)) as WireResult<T>;
        if (!result.ok) throw new Error(`${method}: ${result.error.message}`);
        return result.value;
      };
      const done = new Set<string>();
      services.events.listen((name, payload) => {
        if (name === 'chatStream' && (payload as ChatStreamEvent).type === 'finished') done.add((payload as { message: { id: string } }).message.id);
      });
      try {
        await services.library.scan();
        const conversation = await call<Conversation>('createConversation', {});
        await call('updateConversationSettings', { id: conversation.id, settings: { sampling: { maxTokens: 96 } } });
        for (const [i, text] of PROMPTS.entries()) {
          const sent = await call<SendResult>('sendMessage', { requestId: `record-${i}-${Date.now()}`, conversationId: conversation.id, text });
          while (!done.has(sent.reply.id)) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const metrics = (await call<ReplyMetrics[]>('listReplyMetrics', { limit: 100 })).reverse();
        expect(metrics).toHaveLength(PROMPTS.length);
        mkdirSync(join(root, 'test/fixtures/monitoring'), { recursive: true });
        writeFileSync(join(root, 'test/fixtures/monitoring/normal-session.json'), `${JSON.stringify(metrics, null, 2)}\n`);
      } finally {
        await services.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
