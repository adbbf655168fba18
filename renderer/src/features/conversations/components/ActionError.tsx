import { DismissibleError } from '../../../components/DismissibleError';
import { dismissConversationError, useConversationActionError } from '../../../state';

export function ActionError() {
  return <DismissibleError message={useConversationActionError()} onDismiss={dismissConversationError} />;
}
