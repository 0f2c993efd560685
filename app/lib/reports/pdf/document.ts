/**
 * A thin page model over pdfkit for the reports: A4, a running cursor, headings, label/value
 * blocks and tables that continue on the next page with their header, and a footer with
 * "page x/y" written once every page exists. Standard PDF fonts only (Helvetica), so the text is
 * real, searchable text and nothing has to be embedded.
 */
import PDFDocument from "pdfkit";

export const FONT = "Helvetica";
export const BOLD = "Helvetica-Bold";
const MARGIN = 40;
const FOOTER_SPACE = 26;

export interface Column {
  header: string;
  /** Width in points; the last column may be 0 = the rest of the table width. */
  width: number;
  align?: "left" | "right";
}

export interface TableOptions {
  size?: number;
  x?: number;
  width?: number;
  /** Rows drawn in bold (e.g. a total). */
  bold?: (row: number) => boolean;
}

export class ReportPdf {
  readonly doc: PDFKit.PDFDocument;
  y = MARGIN;
  private readonly chunks: Uint8Array[] = [];
  private readonly ended: Promise<void>;

  constructor(info: { title: string; subject: string; created: Date }) {
    this.doc = new PDFDocument({
      size: "A4",
      // The bottom margin is 0 so the footer can be written below the content area without pdfkit
      // opening a page of its own; the content stops at `bottom` instead.
      margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: 0 },
      bufferPages: true,
      info: { Title: info.title, Subject: info.subject, Creator: "GHOSTLY+ EMG", CreationDate: info.created, ModDate: info.created },
    });
    this.doc.on("data", (chunk: Uint8Array) => this.chunks.push(chunk));
    this.ended = new Promise((resolve, reject) => {
      this.doc.on("end", resolve);
      this.doc.on("error", reject);
    });
    this.doc.font(FONT).fontSize(9).fillColor("black").strokeColor("black");
  }

  get left(): number {
    return MARGIN;
  }
  get width(): number {
    return this.doc.page.width - 2 * MARGIN;
  }
  get bottom(): number {
    return this.doc.page.height - MARGIN - FOOTER_SPACE;
  }

  /** Starts a new page unless `height` points still fit below the cursor. */
  ensure(height: number): void {
    if (this.y + height > this.bottom) this.newPage();
  }

  newPage(): void {
    this.doc.addPage();
    this.y = MARGIN;
  }

  /** Text at the cursor, wrapped to `width`; moves the cursor below it. */
  text(value: string, options: { size?: number; bold?: boolean; x?: number; width?: number; gap?: number; grey?: boolean } = {}): void {
    const size = options.size ?? 9;
    const width = options.width ?? this.width;
    this.doc
      .font(options.bold ? BOLD : FONT)
      .fontSize(size)
      .fillColor(options.grey ? "#444444" : "black");
    const height = this.doc.heightOfString(value, { width });
    this.ensure(height);
    this.doc.text(value, options.x ?? this.left, this.y, { width });
    this.y += height + (options.gap ?? 2);
    this.doc.fillColor("black");
  }

  heading(value: string, size = 11): void {
    this.ensure(size * 3);
    this.y += size * 0.6;
    this.text(value, { size, bold: true, gap: 4 });
  }

  /** Label/value pairs in `columns` columns, label bold and as wide as the widest label. */
  facts(pairs: [string, string][], columns = 2, size = 9, labelWidth?: number): void {
    const colWidth = this.width / columns;
    this.doc.font(BOLD).fontSize(size);
    const widest = Math.max(0, ...pairs.map(([label]) => this.doc.widthOfString(label)));
    labelWidth ??= Math.min(colWidth * 0.5, widest + 8);
    for (let i = 0; i < pairs.length; i += columns) {
      const row = pairs.slice(i, i + columns);
      this.doc.fontSize(size);
      const height = Math.max(...row.map(([, v]) => this.doc.font(FONT).heightOfString(v, { width: colWidth - labelWidth - 6 })));
      this.ensure(height);
      row.forEach(([label, value], c) => {
        const x = this.left + c * colWidth;
        this.doc.font(BOLD).fontSize(size).text(label, x, this.y, { width: labelWidth, lineBreak: false });
        this.doc.font(FONT).text(value, x + labelWidth, this.y, { width: colWidth - labelWidth - 6 });
      });
      this.y += height + 2;
    }
  }

  /** A table with a header row, repeated at the top of each continuation page. */
  table(columns: Column[], rows: string[][], options: TableOptions = {}): void {
    const size = options.size ?? 8;
    const x0 = options.x ?? this.left;
    const total = options.width ?? this.width;
    const fixedWidth = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width === 0 ? total - fixedWidth : c.width));
    const rowHeight = size + 4;
    const drawRow = (cells: string[], bold: boolean, header: boolean) => {
      this.doc.font(bold || header ? BOLD : FONT).fontSize(size);
      let x = x0;
      cells.forEach((cell, i) => {
        const w = widths[i];
        this.doc.text(fit(this.doc, cell, w - 4), x + 2, this.y + 2, { width: w - 4, align: columns[i].align ?? "left", lineBreak: false });
        x += w;
      });
      this.y += rowHeight;
      if (header) this.rule(x0, x0 + total, 0.6);
    };
    this.ensure(rowHeight * 2);
    drawRow(
      columns.map((c) => c.header),
      false,
      true,
    );
    rows.forEach((cells, r) => {
      if (this.y + rowHeight > this.bottom) {
        this.newPage();
        drawRow(
          columns.map((c) => c.header),
          false,
          true,
        );
      }
      drawRow(cells, options.bold?.(r) ?? false, false);
      this.rule(x0, x0 + total, 0.2, "#999999");
    });
    this.y += 4;
  }

  rule(x0: number, x1: number, width = 0.5, color = "black"): void {
    this.doc.save().moveTo(x0, this.y).lineTo(x1, this.y).lineWidth(width).strokeColor(color).stroke().restore();
  }

  /** Writes the footer on every page and returns the PDF bytes. */
  async finish(footer: (page: number, pages: number) => string): Promise<Uint8Array> {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const y = this.doc.page.height - MARGIN + 8;
      this.doc
        .save()
        .moveTo(MARGIN, y - 4)
        .lineTo(this.doc.page.width - MARGIN, y - 4)
        .lineWidth(0.3)
        .strokeColor("#777777")
        .stroke()
        .restore();
      this.doc
        .font(FONT)
        .fontSize(6.5)
        .fillColor("#333333")
        .text(footer(i - range.start + 1, range.count), MARGIN, y, { width: this.width, lineBreak: false });
    }
    this.doc.end();
    await this.ended;
    return concat(this.chunks);
  }
}

/**
 * Column widths from the content: each column as wide as its header (bold) or its widest cell,
 * all scaled to `total` (so narrow content spreads out and wide content shrinks evenly).
 */
export function fitColumns(
  doc: PDFKit.PDFDocument,
  columns: { header: string; align?: "left" | "right" }[],
  rows: string[][],
  total: number,
  size: number,
): Column[] {
  doc.fontSize(size);
  const natural = columns.map(
    (c, i) => Math.max(doc.font(BOLD).widthOfString(c.header), ...rows.map((r) => doc.font(FONT).widthOfString(r[i] ?? ""))) + 5,
  );
  const scale = total / natural.reduce((a, b) => a + b, 0);
  return columns.map((c, i) => ({ ...c, width: natural[i] * scale }));
}

/** The text, cut with "…" to fit `width` at the current font. */
export function fit(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = text.length;
  while (cut > 0 && doc.widthOfString(`${text.slice(0, cut)}…`) > width) cut--;
  return `${text.slice(0, cut)}…`;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
