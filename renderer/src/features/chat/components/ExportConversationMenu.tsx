import { Icon } from '../../../components/Icon';
import { MenuButton } from '../../../components/MenuButton';
import type { ExportFormat } from '../../../lib/contract';
import { downloadFile } from '../../../lib/download';
import { exportConversation } from '../../../state';

interface ExportConversationMenuProps {
  conversationId: string;
  /** Says what failed (or null when an export worked). */
  onError: (error: string | null) => void;
}

/** "Export conversation": Markdown of the branch shown, or JSON with every branch; saved as a download. */
export function ExportConversationMenu({ conversationId, onError }: ExportConversationMenuProps) {
  async function run(format: ExportFormat) {
    const outcome = await exportConversation(conversationId, format);
    if (outcome.ok) {
      downloadFile(outcome.file);
      onError(null);
    } else {
      onError(outcome.error);
    }
  }

  return (
    <MenuButton
      label="Export conversation"
      icon={<Icon name="download" />}
      choices={[
        { label: 'Markdown (this branch)', onSelect: () => void run('markdown') },
        { label: 'JSON (all branches)', onSelect: () => void run('json') },
      ]}
    />
  );
}
