import { Icon } from '../../../components/Icon';
import { dismissConversationError, useConversationActionError } from '../../../state';

export function ActionError() {
  const error = useConversationActionError();
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      <span>{error}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={dismissConversationError}>
        <Icon name="close" />
      </button>
    </div>
  );
}
