import { useState } from 'react';
import { Icon } from '../../../components/Icon';
import { createConversation, setFilter, useCanChange } from '../../../state';

export function NewConversationButton() {
  const [busy, setBusy] = useState(false);
  const canChange = useCanChange();

  async function onClick() {
    setBusy(true);
    // A new conversation should be visible, so a title filter that would hide it is cleared.
    setFilter('');
    await createConversation();
    setBusy(false);
  }

  return (
    <button type="button" className="button button-primary new-conversation" onClick={onClick} disabled={busy || !canChange}>
      <Icon name="plus" />
      New conversation
    </button>
  );
}
