import type { ReactNode } from 'react';

interface LayoutProps {
  banner: ReactNode;
  sidebar: ReactNode;
  sidebarFooter: ReactNode;
  main: ReactNode;
}

export function Layout({ banner, sidebar, sidebarFooter, main }: LayoutProps) {
  return (
    <div className="app">
      {banner}
      <div className="app-body">
        <aside className="sidebar">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              {'{-1,0,1}'}
            </span>
            <span className="brand-name">Tern</span>
          </div>
          {sidebar}
          {sidebarFooter}
        </aside>
        <main className="main">{main}</main>
      </div>
    </div>
  );
}
