import { expect, type Locator, type Page } from '@playwright/test';

export type ScenarioName = 'Battery saver' | 'Balanced' | 'Performance' | 'Maximum';

/** The Tuning view (sidebar footer): CPU threads, scenarios, profiles and the benchmark. */
export class TuningPage {
  readonly openButton: Locator;
  readonly root: Locator;
  readonly threads: Locator;
  readonly scenarios: Locator;
  readonly benchmarkThreads: Locator;
  readonly repetitions: Locator;
  readonly runButton: Locator;
  readonly applyBestButton: Locator;
  readonly exportButton: Locator;
  readonly results: Locator;
  readonly chart: Locator;

  constructor(readonly page: Page) {
    this.openButton = page.getByRole('button', { name: 'Tuning', exact: true });
    this.root = page.getByRole('region', { name: 'Tuning', exact: true });
    this.threads = this.root.getByRole('spinbutton', { name: 'CPU threads', exact: true });
    this.scenarios = this.root.getByRole('radiogroup', { name: 'Scenario', exact: true });
    this.benchmarkThreads = this.root.getByRole('textbox', { name: 'Thread counts' });
    this.repetitions = this.root.getByRole('spinbutton', { name: 'Repetitions' });
    this.runButton = this.root.getByRole('button', { name: 'Run benchmark', exact: true });
    this.applyBestButton = this.root.getByRole('button', { name: 'Apply best', exact: true });
    this.exportButton = this.root.getByRole('button', { name: 'Export benchmark', exact: true });
    this.results = this.root.getByRole('table', { name: 'Benchmark results' });
    this.chart = this.root.getByRole('img', { name: /^Benchmark chart/ });
  }

  async open(): Promise<void> {
    await this.openButton.click();
    await expect(this.root).toBeVisible();
  }

  scenario(name: ScenarioName): Locator {
    return this.scenarios.getByRole('radio', { name, exact: true });
  }

  /** The result rows, one per thread count. */
  rows(): Locator {
    return this.results.locator('tbody tr');
  }
}
