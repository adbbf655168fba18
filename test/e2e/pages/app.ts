import { expect, type Locator, type Page } from '@playwright/test';
import { AboutPage } from './about';
import { ChatPage } from './chat';
import { ModelsPage } from './models';
import { SettingsPage } from './settings';
import { SidebarPage } from './sidebar';
import { TuningPage } from './tuning';

/** The whole window: one page object per area, and the connection banner. */
export class TernApp {
  readonly sidebar: SidebarPage;
  readonly chat: ChatPage;
  readonly about: AboutPage;
  readonly settings: SettingsPage;
  readonly models: ModelsPage;
  readonly tuning: TuningPage;

  constructor(readonly page: Page) {
    this.sidebar = new SidebarPage(page);
    this.chat = new ChatPage(page);
    this.about = new AboutPage(page);
    this.settings = new SettingsPage(page);
    this.models = new ModelsPage(page);
    this.tuning = new TuningPage(page);
  }

  /** Opens the URL the host printed and waits until the conversation list has loaded. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.sidebar.waitUntilLoaded();
  }

  /** The banner shown while the host cannot be reached. */
  get connectionBanner(): Locator {
    return this.page.getByRole('status').filter({ hasText: 'Tern host' });
  }

  /** The alert shown when the host refused the page's token (a stale or wrong address). */
  get tokenRefusedBanner(): Locator {
    return this.page.getByRole('alert').filter({ hasText: /Tern host refused this page.s access token/ });
  }

  async expectConnected(): Promise<void> {
    await expect(this.connectionBanner).toHaveCount(0);
  }
}
