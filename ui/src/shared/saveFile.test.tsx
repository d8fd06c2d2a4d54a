import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ChartPanel } from "../flow/ChartPanel";
import { clearMocks, mockBackend, mockDesktopApp } from "../lib/ipc/testing";
import { renderWithClient } from "../test/render";
import { saveCsv, saveImage } from "./csv";
import { clearSaveNotices, SaveNotices } from "./SaveNotices";

vi.mock("./EChart", async (importOriginal) => {
  const original = await importOriginal<typeof import("./EChart")>();
  const { EChartStub } = await import("../test/echartStub");
  return { ...original, EChart: EChartStub };
});

afterEach(() => {
  clearMocks();
  vi.restoreAllMocks();
  // Notices live in a module-level store: clear what a test left.
  clearSaveNotices();
});

function spyOnDownloads() {
  const names: string[] = [];
  vi.spyOn(URL, "createObjectURL").mockReturnValue("blob:csv");
  vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => {});
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    names.push(this.download);
  });
  return names;
}

describe("saving an export", () => {
  it("uses a download link in a plain browser (IPC mocked, no desktop window)", async () => {
    const calls = mockBackend({ export_save: () => "/never" });
    const names = spyOnDownloads();
    expect(await saveCsv("a,b\r\n", "baton-x.csv")).toEqual({ kind: "downloaded", filename: "baton-x.csv" });
    expect(await saveImage("data:image/png;base64,aGk=", "baton-x.png")).toEqual({
      kind: "downloaded",
      filename: "baton-x.png",
    });
    expect(names).toEqual(["baton-x.csv", "baton-x.png"]);
    expect(calls.some((c) => c.cmd === "export_save")).toBe(false);
  });

  it("asks the desktop app's save dialog inside Tauri and says where it saved", async () => {
    const calls = mockBackend({ export_save: (args) => `/home/lead/${String(args.suggestedName)}` });
    mockDesktopApp();
    const names = spyOnDownloads();
    render(<SaveNotices />);
    await act(async () => {
      expect(await saveCsv("a,b\r\n", "baton-x.csv")).toEqual({
        kind: "saved",
        path: "/home/lead/baton-x.csv",
      });
    });
    expect(calls.find((c) => c.cmd === "export_save")?.args).toEqual({
      suggestedName: "baton-x.csv",
      contents: "\uFEFFa,b\r\n",
      encoding: "utf8",
    });
    expect(screen.getByTestId("save-notice")).toHaveTextContent("Saved to /home/lead/baton-x.csv");
    await act(async () => {
      await saveImage("data:image/png;base64,aGk=", "baton-x.png");
    });
    expect(calls.filter((c) => c.cmd === "export_save").at(-1)?.args).toEqual({
      suggestedName: "baton-x.png",
      contents: "data:image/png;base64,aGk=",
      encoding: "base64",
    });
    expect(names).toEqual([]);
  });

  it("says nothing when the dialog is cancelled, and shows the error when writing fails", async () => {
    let answer: () => unknown = () => null;
    mockBackend({ export_save: () => answer() });
    mockDesktopApp();
    render(<SaveNotices />);
    await act(async () => {
      expect(await saveCsv("x", "a.csv")).toEqual({ kind: "canceled" });
    });
    expect(screen.queryByTestId("save-notice")).toBeNull();
    answer = () => {
      throw { code: "io", message: "could not write /root/a.csv: permission denied" };
    };
    await act(async () => {
      const outcome = await saveCsv("x", "a.csv");
      expect(outcome.kind).toBe("failed");
    });
    const notice = screen.getByTestId("save-notice");
    expect(notice).toHaveAttribute("data-tone", "error");
    expect(notice).toHaveTextContent("Could not save a.csv");
    expect(notice).toHaveTextContent("permission denied");
  });

  it("routes the chart card's Export → CSV through exportSave inside Tauri", async () => {
    const calls = mockBackend({ export_save: () => "/home/lead/baton-throughput.csv" });
    mockDesktopApp();
    renderWithClient(
      <>
        <ChartPanel
          title="Throughput"
          subtitle="per day"
          metricId="throughput"
          testId="tp"
          csv={() => [
            ["day", "finished"],
            ["2026-03-01", 2],
          ]}
        >
          <p>table</p>
        </ChartPanel>
        <SaveNotices />
      </>,
    );
    fireEvent.keyDown(within(screen.getByTestId("tp")).getByTestId("tp-export"), { key: "Enter" });
    fireEvent.click(screen.getByTestId("tp-export-csv"));
    await waitFor(() => expect(screen.getByTestId("save-notice")).toHaveTextContent("Saved to"));
    expect(calls.find((c) => c.cmd === "export_save")?.args).toMatchObject({
      suggestedName: "baton-throughput.csv",
      contents: "\uFEFFday,finished\r\n2026-03-01,2\r\n",
      encoding: "utf8",
    });
  });
});
