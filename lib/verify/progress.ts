/** One self-overwriting status line on a terminal; silent elsewhere (CI logs, pipes, files). */
export class Progress {
  private shown = false;

  constructor(
    private readonly enabled: boolean,
    private readonly write: (text: string) => void,
  ) {}

  public update(text: string): void {
    if (!this.enabled) return;
    const columns = process.stderr.columns ?? 80;
    this.write(`\r\x1b[2K${text.slice(0, Math.max(10, columns - 1))}`);
    this.shown = true;
  }

  public clear(): void {
    if (!this.enabled || !this.shown) return;
    this.write('\r\x1b[2K');
    this.shown = false;
  }
}
