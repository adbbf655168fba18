import { Icon } from '../../../components/Icon';
import { dismissModelError, useModelList } from '../../../state';

export function ModelActionError() {
  const { actionError } = useModelList();
  if (!actionError) return null;
  return (
    <div className="notice notice-error chat-notice" role="alert">
      <span>{actionError}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={dismissModelError}>
        <Icon name="close" />
      </button>
    </div>
  );
}
