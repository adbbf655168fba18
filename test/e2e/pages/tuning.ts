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
  readonly monitoring: Locator;
  /** "Sampled only while the engine works — idle, 12 samples so far". */
  readonly samplerLine: Locator;
  readonly alerts: Locator;
  readonly exportMetricsButton: Locator;
  readonly exportFormat: Locator;

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
    this.monitoring = this.root.getByRole('region', { name: 'Monitoring', exact: true });
    this.samplerLine = this.monitoring.locator('.sampler-line');
    this.alerts = this.monitoring.getByRole('region', { name: 'Alerts', exact: true });
    this.exportMetricsButton = this.monitoring.getByRole('button', { name: 'Export metrics', exact: true });
    this.exportFormat = this.monitoring.getByRole('combobox', { name: 'Export format', exact: true });
  }

  /** The monitoring's sample count as the sampler line says it. */
  async samples(): Promise<number> {
    const text = await this.samplerLine.innerText();
    const match = /([\d,]+) samples? so far/.exec(text);
    if (!match) throw new Error(`no sample count in "${text}"`);
    return Number(match[1]!.replace(/,/g, ''));
  }

  /** A rule's threshold field, by its name ("Decode speed threshold (tok/s)"). */
  ruleThreshold(name: string): Locator {
    return this.monitoring.getByRole('spinbutton', { name, exact: true });
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
