// @vitest-environment jsdom
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../../../electron/common/contract';
import { App } from '../../../renderer/src/app/App';
import { ConversationPane } from '../../../renderer/src/features/chat';
import { LiveReadouts } from '../../../renderer/src/features/chat/components/LiveReadouts';
import { ReplyStats } from '../../../renderer/src/features/chat/components/ReplyStats';
import { formatReplyStats } from '../../../renderer/src/lib/format';
import { NO_STATS } from '../../../renderer/src/lib/stats';
import {
  loadConversations,
  loadEngineStatus,
  loadMessages,
  loadModels,
  loadSettings,
  selectConversation,
  startSync,
  useTernStore,
} from '../../../renderer/src/state';
import { sampleReadouts } from './fakeApi';
import { useFakeTern } from './setup';

async function openChat(conversation: Conversation): Promise<void> {
  await act(async () => {
    startSync();
    await Promise.all([loadConversations(), loadModels(), loadEngineStatus(), loadSettings()]);
  });
  await act(async () => {
    selectConversation(conversation.id);
    await loadMessages(conversation.id);
  });
}

const region = () => screen.queryByRole('region', { name: 'Live readouts' });

function figure(label: string): string {
  const term = within(region()!).getByText(label, { selector: 'dt' });
  return term.nextElementSibling?.textContent ?? '';
}

function reply(stats: Partial<Message['stats']>): Message {
  return {
    id: 'm9',
    conversationId: 'c1',
    parentId: null,
    role: 'assistant',
    content: 'Hi',
    status: 'complete',
    createdAt: 1,
    modelId: null,
    modelName: 'bitnet-2b.gguf',
    note: null,
    stats: { ...NO_STATS, ...stats },
  };
}

describe('live readouts', () => {
  const fake = useFakeTern();
  beforeEach(() => window.localStorage.clear());

  it('shows every figure with its source, and the energy source in words for each tier', () => {
    const view = render(<LiveReadouts readouts={sampleReadouts()} writing />);
    expect(within(region()!).getByRole('heading', { name: 'Writing…' })).toBeTruthy();
    expect(region()!.getAttribute('aria-live')).toBe('off');
    expect(figure('Time to first token')).toBe('180 ms engine clock');
    expect(figure('Decode')).toBe('21.4 tok/s now · 20.1 average engine clock');
    expect(figure('Per-token latency')).toBe('p50 46.5 ms · p95 71.2 ms engine clock');
    expect(screen.getByRole('img', { name: 'Per-token latency, last 6 tokens' }).querySelector('polyline')?.getAttribute('points')?.split(' ')).toHaveLength(6);
    expect(figure('Prefill')).toBe('192 tok/s engine clock');
    expect(figure('Engine CPU')).toBe('87% of 4 threads OS process time');
    expect(figure('Engine memory')).toBe('1.4 GB of 1.5 GB expected OS resident memory');
    expect(figure('Power')).toBe('12.3 W modelled');
    expect(figure('Energy')).toBe('4.57 J modelled');
    expect(figure('Energy per token')).toBe('0.109 J/token modelled');

    view.rerender(<LiveReadouts readouts={sampleReadouts({ energySource: 'measured', phase: 'done' })} writing={false} />);
    expect(within(region()!).getByRole('heading', { name: 'Last reply' })).toBeTruthy();
    expect(figure('Energy')).toBe('4.57 J measured');
    view.rerender(<LiveReadouts readouts={sampleReadouts({ energySource: 'os-estimate' })} writing />);
    expect(figure('Power')).toBe('12.3 W OS estimate');
    expect(figure('Energy per token')).toBe('0.109 J/token OS estimate');
  });

  it('says "—" for figures not known yet', () => {
    render(
      <LiveReadouts
        readouts={sampleReadouts({ phase: 'prefill', ttftMs: null, powerWatts: null, energyJoules: null, joulesPerToken: null, cpuPercent: null, recentTokenMs: [] })}
        writing
      />,
    );
    expect(figure('Time to first token')).toBe('— engine clock');
    expect(figure('Power').trim()).toBe('—');
    expect(figure('Energy').trim()).toBe('—');
    expect(figure('Engine CPU')).toBe('— OS process time');
    expect(screen.queryByRole('img')).toBeNull();
    expect(within(region()!).getByText(/Reading the prompt/)).toBeTruthy();
  });

  it('appears when readouts of the conversation shown arrive, not for another one; keeps the last reply; the toggle hides it', async () => {
    const { conversation } = fake().readyConversation();
    const other = fake().addConversation('Other');
    await openChat(conversation);
    render(<ConversationPane />);
    expect(region()).toBeNull();

    act(() => fake().emitEvent('readouts', sampleReadouts({ conversationId: other.id })));
    expect(region()).toBeNull();
    act(() => fake().emitEvent('readouts', sampleReadouts({ conversationId: null, source: 'api' })));
    expect(region()).toBeNull();

    act(() => fake().emitEvent('readouts', sampleReadouts({ conversationId: conversation.id, messageId: 'm-x', tokens: 3 })));
    expect(within(region()!).getByRole('heading', { name: 'Writing…' })).toBeTruthy();
    expect(within(region()!).getByText(/3 tokens/)).toBeTruthy();

    act(() => fake().emitEvent('readouts', sampleReadouts({ conversationId: conversation.id, messageId: 'm-x', phase: 'done', tokens: 42 })));
    expect(within(region()!).getByRole('heading', { name: 'Last reply' })).toBeTruthy();
    expect(within(region()!).getByText(/42 tokens/)).toBeTruthy();

    const toggle = screen.getByRole('button', { name: 'Readouts' });
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(toggle);
    expect(region()).toBeNull();
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect(window.localStorage.getItem('tern.readoutsShown')).toBe('false');
    fireEvent.click(toggle);
    expect(region()).not.toBeNull();
  });

  it('a reply that ended without its last readouts is not shown as writing', async () => {
    const { conversation } = fake().readyConversation();
    const answer = fake().addMessage(conversation.id, 'assistant', 'Done', 'complete');
    await openChat(conversation);
    render(<ConversationPane />);
    act(() => fake().emitEvent('readouts', sampleReadouts({ conversationId: conversation.id, messageId: answer.id })));
    expect(within(region()!).getByRole('heading', { name: 'Last reply' })).toBeTruthy();
  });
});

describe('reply stats', () => {
  useFakeTern();

  it('add the energy and J/token, and the source as its own element', () => {
    const message = reply({ generatedTokens: 30, energyJoules: 1.23, energySource: 'os-estimate' });
    expect(formatReplyStats(message)).toBe('30 tokens · bitnet-2b.gguf · 1.23 J · 0.041 J/token');
    render(<ReplyStats message={message} />);
    const stats = document.querySelector('.message-stats')!;
    expect(stats.textContent).toBe('30 tokens · bitnet-2b.gguf · 1.23 J · 0.041 J/token OS estimate');
    expect(within(stats as HTMLElement).getByText('OS estimate').tagName).toBe('SPAN');
  });

  it('say nothing of energy when none was measured', () => {
    render(<ReplyStats message={reply({ generatedTokens: 30 })} />);
    expect(document.querySelector('.message-stats')?.textContent).toBe('30 tokens · bitnet-2b.gguf');
    expect(document.querySelector('.energy-source')).toBeNull();
  });
});

describe('alerts while chatting', () => {
  const fake = useFakeTern();

  it('an alert event shows a notice; Open monitoring goes to Tuning; Dismiss puts it away', async () => {
    const { conversation } = fake().readyConversation();
    await openChat(conversation);
    render(<App />);
    expect(screen.queryByText(/Decode 3.1 tok\/s/)).toBeNull();

    act(() => {
      fake().raiseAlert();
    });
    const notice = screen.getAllByRole('status').find((s) => s.textContent?.includes('Decode 3.1 tok/s'))!;
    expect(notice.textContent).toContain('Warning: Decode 3.1 tok/s, below 5 tok/s');
    fireEvent.click(within(notice).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText(/Decode 3.1 tok\/s/)).toBeNull();

    act(() => {
      fake().raiseAlert({ severity: 'critical', text: 'Error rate 40%, above 20%' });
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open monitoring' }));
    expect(useTernStore.getState().view).toBe('tuning');
    const monitoring = await screen.findByRole('region', { name: 'Monitoring' });
    const alerts = await within(monitoring).findByRole('region', { name: 'Alerts' });
    await waitFor(() => expect(alerts.textContent).toContain('Error rate 40%, above 20%'));
  });
});
