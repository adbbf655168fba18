import { Icon } from '../../../components/Icon';
import { useModelList } from '../../../state';
import { ModelActionError } from './ModelActionError';
import { NoModelsNotice } from './NoModelsNotice';

export function NoConversation() {
  const { list } = useModelList();
  return (
    <section className="pane pane-empty" aria-label="No conversation open">
      <Icon name="chat" className="pane-empty-icon" />
      <h2 className="pane-empty-title">No conversation open</h2>
      <p>Choose a conversation in the list, or start one with New conversation.</p>
      {list !== null && list.models.length === 0 && (
        <>
          <NoModelsNotice folder={list.folder} scanning={list.scanning} compact />
          <ModelActionError />
        </>
      )}
    </section>
  );
}
