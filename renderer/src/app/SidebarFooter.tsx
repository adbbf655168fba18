import { Icon } from '../components/Icon';
import { showView, useView } from '../state';

export function SidebarFooter() {
  const view = useView();
  const open = view === 'about';
  return (
    <div className="sidebar-footer">
      <button
        type="button"
        className={open ? 'nav-button active' : 'nav-button'}
        aria-pressed={open}
        onClick={() => showView(open ? 'conversation' : 'about')}
      >
        <Icon name="info" />
        About
      </button>
    </div>
  );
}
