import { describe, expect, it } from "vitest";
import { csvCell, fileStem, toCsv } from "./csv";

describe("CSV export", () => {
  it("quotes cells with commas, quotes and line breaks, doubling quotes", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(" padded ")).toBe('" padded "');
  });

  it("keeps formulas from running: text starting with = + - @ tab or CR gets a leading quote", () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-cmd")).toBe("'-cmd");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("a=b")).toBe("a=b");
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
