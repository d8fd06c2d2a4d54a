import { describe, expect, it } from "vitest";
import { csvCell, fileStem, looksLikeFormula, toCsv } from "./csv";

describe("CSV export", () => {
  it("quotes cells with commas, quotes and line breaks, doubling quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(" padded ")).toBe('" padded "');
  });

  it("keeps formulas from running: text starting with = + - @ gets a leading quote and quotes", () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell("=1+1")).toBe(`"'=1+1"`);
    expect(csvCell("+1")).toBe(`"'+1"`);
    expect(csvCell("-cmd")).toBe(`"'-cmd"`);
    expect(csvCell("@SUM(A1)")).toBe(`"'@SUM(A1)"`);
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvCell("plain - dash")).toBe("plain - dash");
  });

  it("guards a cell that starts with a tab, CR or LF whatever follows (OWASP)", () => {
    expect(csvCell("\tx")).toBe(`"'\tx"`);
    expect(csvCell("\rx")).toBe(`"'\rx"`);
    expect(csvCell("\nx")).toBe(`"'\nx"`);
  });

  it("guards a formula behind whitespace, separators, quotes or invisible characters", () => {
    expect(csvCell(" =1+1")).toBe(`"' =1+1"`);
    expect(csvCell("   @SUM(A1)")).toBe(`"'   @SUM(A1)"`);
    expect(csvCell("\t=1+1")).toBe(`"'\t=1+1"`);
    expect(csvCell("\r\n+1")).toBe(`"'\r\n+1"`);
    expect(csvCell("\u00A0=1+1")).toBe(`"'\u00A0=1+1"`);
    expect(csvCell("\u3000=1+1")).toBe(`"'\u3000=1+1"`);
    expect(csvCell("\u200B=1+1")).toBe(`"'\u200B=1+1"`);
    expect(csvCell("\uFEFF=1+1")).toBe(`"'\uFEFF=1+1"`);
    expect(csvCell("\u202E=1+1")).toBe(`"'\u202E=1+1"`);
    expect(csvCell(";=cmd|' /C calc'!A0")).toBe(`"';=cmd|' /C calc'!A0"`);
    expect(csvCell(",=1+1")).toBe(`"',=1+1"`);
    expect(csvCell(" ; , =1+1")).toBe(`"' ; , =1+1"`);
    expect(csvCell('"=1+1')).toBe(`"'""=1+1"`);
    expect(csvCell("'=1+1")).toBe(`"''=1+1"`);
  });

  it("guards the full-width and small forms of the triggers and the minus sign", () => {
    for (const trigger of ["＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫", "−"]) {
      expect(csvCell(`${trigger}1+1`)).toBe(`"'${trigger}1+1"`);
      expect(csvCell(` ${trigger}1+1`)).toBe(`"' ${trigger}1+1"`);
    }
  });

  it("quotes any cell with a separator of any locale or a quote, so it stays one cell", () => {
    expect(csvCell("a;=1+1")).toBe('"a;=1+1"');
    expect(csvCell("a,=1+1")).toBe('"a,=1+1"');
    expect(csvCell("a\t=1+1")).toBe('"a\t=1+1"');
    expect(csvCell("don't")).toBe(`"don't"`);
    expect(csvCell("a;b")).toBe('"a;b"');
  });

  it("leaves | and % alone: they start no formula", () => {
    expect(csvCell("|cmd")).toBe("|cmd");
    expect(csvCell("%20")).toBe("%20");
    expect(csvCell("=cmd|' /C calc'!A0")).toBe(`"'=cmd|' /C calc'!A0"`);
  });

  it("keeps numbers as numbers and guards text that looks like one with a formula", () => {
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(+5)).toBe("5");
    expect(csvCell("-3+cmd|' /C calc'!A0")).toBe(`"'-3+cmd|' /C calc'!A0"`);
    expect(csvCell("-3")).toBe(`"'-3"`);
  });

  it("says which text looks like a formula", () => {
    expect(looksLikeFormula("=1")).toBe(true);
    expect(looksLikeFormula(" ;\u00A0@x")).toBe(true);
    expect(looksLikeFormula("")).toBe(false);
    expect(looksLikeFormula("   ")).toBe(false);
    expect(looksLikeFormula("Fix = sign")).toBe(false);
  });

  it("writes numbers as numbers and nothing for missing values", () => {
    expect(csvCell(3.5)).toBe("3.5");
    expect(csvCell(-2)).toBe("-2");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
  });

  it("joins rows with CRLF", () => {
    expect(
      toCsv([
        ["day", "count"],
        ["2026-03-01", 4],
      ]),
    ).toBe("day,count\r\n2026-03-01,4\r\n");
  });

  it("names files from titles", () => {
    expect(fileStem("Cycle-time scatter")).toBe("baton-cycle-time-scatter");
    expect(fileStem("<>")).toBe("baton-chart");
  });
});
