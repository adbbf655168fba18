import { Icon } from '../../../components/Icon';

export function NoConversation() {
  return (
    <section className="pane pane-empty" aria-label="No conversation open">
      <Icon name="chat" className="pane-empty-icon" />
      <h2 className="pane-empty-title">No conversation open</h2>
      <p>Choose a conversation in the list, or start one with New conversation.</p>
      <p className="muted">No model is loaded yet; model management arrives with the Models panel.</p>
    </section>
  );
}
