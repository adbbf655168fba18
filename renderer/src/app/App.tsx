import { AboutPanel } from '../features/about';
import { ConversationPane } from '../features/chat';
import { ConnectionBanner } from '../features/connection';
import { ConversationSidebar } from '../features/conversations';
import { showView, useView } from '../state';
import { Layout } from './Layout';
import { SidebarFooter } from './SidebarFooter';

/** The shell: features composed here, and only here. */
export function App() {
  const view = useView();
  return (
    <Layout
      banner={<ConnectionBanner />}
      sidebar={<ConversationSidebar />}
      sidebarFooter={<SidebarFooter />}
      main={view === 'about' ? <AboutPanel onClose={() => showView('conversation')} /> : <ConversationPane />}
    />
  );
}
