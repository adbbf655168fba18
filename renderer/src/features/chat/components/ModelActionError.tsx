import { DismissibleError } from '../../../components/DismissibleError';
import { dismissModelError, useModelList } from '../../../state';

export function ModelActionError() {
  const { actionError } = useModelList();
  return <DismissibleError message={actionError} onDismiss={dismissModelError} className="chat-notice" />;
}
