/**
 * Cuts a byte stream into lines (LF or CRLF) without ever holding more than `maxBytes` of
 * one: a longer line is dropped piece by piece as it arrives and reported once, with its
 * length and first bytes, when its newline (or the end) comes. Multi-byte characters cut
 * between pieces are joined before decoding.
 */
export class LineReader {
  private parts: Buffer[] = [];
  private held = 0;
  /** Bytes of the current line when it is over-long (being skipped); -1 otherwise. */
  private skipped = -1;
  private head = '';
  private stopped = false;

  /**
   * @param onLine one line, without its line break; returns false to stop reading
   * @param onOversized a line longer than `maxBytes`: its length and first bytes
   */
  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: string) => boolean,
    private readonly onOversized: (bytes: number, head: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (!this.stopped && start <= chunk.length) {
      const nl = chunk.indexOf(10, start);
      if (nl !== -1 && this.held === 0 && this.skipped < 0 && nl - start <= this.maxBytes) {
        // The common case: a whole line within the chunk, decoded where it lies.
        const end = nl > start && chunk[nl - 1] === 13 ? nl - 1 : nl;
        if (!this.onLine(chunk.toString('utf8', start, end))) this.stop();
        start = nl + 1;
        continue;
      }
      const piece = chunk.subarray(start, nl === -1 ? chunk.length : nl);
      this.add(piece);
      if (nl === -1) return;
      this.lineEnd();
      start = nl + 1;
    }
  }

  /** The input ended: a last line without a newline is a line too. */
  end(): void {
    if (!this.stopped && (this.held > 0 || this.skipped >= 0)) this.lineEnd();
    this.stop();
  }

  stop(): void {
    this.stopped = true;
    this.parts = [];
    this.held = 0;
  }

  private add(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.skipped >= 0) {
      this.skipped += piece.length;
      return;
    }
    if (this.held + piece.length > this.maxBytes) {
      this.head = Buffer.concat([...this.parts, piece.subarray(0, 200)])
        .subarray(0, 200)
        .toString('utf8');
      this.skipped = this.held + piece.length;
      this.parts = [];
      this.held = 0;
      return;
    }
    // A copy: the stream may reuse the buffer it handed over.
    this.parts.push(Buffer.from(piece));
    this.held += piece.length;
  }

  private lineEnd(): void {
    if (this.skipped >= 0) {
      const bytes = this.skipped;
      this.skipped = -1;
      this.onOversized(bytes, this.head);
      return;
    }
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.held);
    this.parts = [];
    this.held = 0;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 13) end--;
    if (!this.onLine(bytes.toString('utf8', 0, end))) this.stop();
  }
}
