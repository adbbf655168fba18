import { Icon, type IconName } from '../components/Icon';
import { showView, useView, type View } from '../state';

function NavButton({ view, icon, label }: { view: Exclude<View, 'conversation'>; icon: IconName; label: string }) {
  const open = useView() === view;
  return (
    <button
      type="button"
      className={open ? 'nav-button active' : 'nav-button'}
      aria-pressed={open}
      onClick={() => showView(open ? 'conversation' : view)}
    >
      <Icon name={icon} />
      {label}
    </button>
  );
}

export function SidebarFooter() {
  return (
    <div className="sidebar-footer">
      <NavButton view="models" icon="box" label="Models" />
      <NavButton view="tuning" icon="gauge" label="Tuning" />
      <NavButton view="settings" icon="sliders" label="Settings" />
      <NavButton view="about" icon="info" label="About" />
    </div>
  );
}
