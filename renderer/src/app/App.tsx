import { AboutPanel } from '../features/about';
import { ConversationPane } from '../features/chat';
import { ConnectionBanner } from '../features/connection';
import { ConversationSidebar } from '../features/conversations';
import { ModelsPanel } from '../features/models';
import { SettingsPanel } from '../features/settings';
import { TuningPanel } from '../features/tuning';
import { showView, useView, type View } from '../state';
import { Layout } from './Layout';
import { SidebarFooter } from './SidebarFooter';

function MainView({ view }: { view: View }) {
  const close = () => showView('conversation');
  switch (view) {
    case 'models':
      return <ModelsPanel onClose={close} />;
    case 'tuning':
      return <TuningPanel onClose={close} />;
    case 'about':
      return <AboutPanel onClose={close} />;
    case 'settings':
      return <SettingsPanel onClose={close} />;
    case 'conversation':
      return <ConversationPane />;
  }
}

/** The shell: features composed here, and only here. */
export function App() {
  const view = useView();
  return (
    <Layout
      banner={<ConnectionBanner />}
      sidebar={<ConversationSidebar />}
      sidebarFooter={<SidebarFooter />}
      main={<MainView view={view} />}
    />
  );
}
