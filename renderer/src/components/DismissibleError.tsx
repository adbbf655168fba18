import { Icon } from './Icon';

/** An error said in words, with a button to put it away; nothing when there is none. */
export function DismissibleError({ message, onDismiss, className }: { message: string | null; onDismiss: () => void; className?: string }) {
  if (!message) return null;
  return (
    <div className={className ? `notice notice-error ${className}` : 'notice notice-error'} role="alert">
      <span>{message}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
        <Icon name="close" />
      </button>
    </div>
  );
}
