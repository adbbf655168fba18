import { useState } from 'react';
import { DismissibleError } from '../../../components/DismissibleError';
import { Icon } from '../../../components/Icon';
import type { Conversation } from '../../../lib/contract';
import { plural } from '../../../lib/format';
import { setReadoutsShown, useModels, useReadouts, useReadoutsShown } from '../../../state';
import { ContextMeter } from './ContextMeter';
import { EngineState } from './EngineState';
import { ExportConversationMenu } from './ExportConversationMenu';
import { READOUTS_ID } from './LiveReadouts';
import { ModelPicker } from './ModelPicker';

interface ChatHeaderProps {
  conversation: Conversation;
  titleId: string;
  settingsOpen: boolean;
  onToggleSettings: () => void;
}

/** Title, the model picker, the engine's state, the context meter, settings and export. */
export function ChatHeader({ conversation, titleId, settingsOpen, onToggleSettings }: ChatHeaderProps) {
  const count = conversation.messageCount;
  const hasModels = useModels().length > 0;
  const [exportError, setExportError] = useState<string | null>(null);
  const readoutsShown = useReadoutsShown();
  const hasReadouts = useReadouts(conversation.id) !== null;
  return (
    <header className="pane-header chat-header">
      <div className="chat-header-top">
        <div className="pane-heading">
          <h2 id={titleId} className="pane-title">
            {conversation.title}
          </h2>
          <p className="pane-subtitle">
            {count === 0 ? 'No messages' : plural(count, 'message', 'messages')} · started{' '}
            <time dateTime={new Date(conversation.createdAt).toISOString()}>
              {new Date(conversation.createdAt).toLocaleString()}
            </time>
          </p>
        </div>
        <div className="chat-header-side">
          {hasModels && <ContextMeter conversationId={conversation.id} />}
          <button
            type="button"
            className={settingsOpen ? 'button button-quiet active' : 'button button-quiet'}
            aria-expanded={settingsOpen}
            aria-controls="conversation-settings"
            onClick={onToggleSettings}
          >
            <Icon name="sliders" />
            Conversation settings
          </button>
          <button
            type="button"
            className={readoutsShown ? 'button button-quiet active' : 'button button-quiet'}
            aria-pressed={readoutsShown}
            aria-controls={readoutsShown && hasReadouts ? READOUTS_ID : undefined}
            title={readoutsShown ? 'Hide the live readouts' : 'Show the live readouts'}
            onClick={() => setReadoutsShown(!readoutsShown)}
          >
            <Icon name="gauge" />
            Readouts
          </button>
          <ExportConversationMenu conversationId={conversation.id} onError={setExportError} />
        </div>
      </div>
      <DismissibleError message={exportError} onDismiss={() => setExportError(null)} className="chat-header-notice" />
      {hasModels && (
        <div className="chat-toolbar">
          <ModelPicker conversation={conversation} />
          <EngineState conversation={conversation} />
        </div>
      )}
    </header>
  );
}
