//! The one error type that crosses IPC, and the unwrapping of command results into it.

import type { ErrorCode, IpcErrorPayload } from "./types";

/** Codes the UI produces itself (never sent by Rust). */
export const TRANSPORT_ERROR = "ipc_transport";

/** What an error can be: one of Rust's codes, or a failure of the transport itself. */
export type IpcErrorCode = ErrorCode | typeof TRANSPORT_ERROR;

/** The shape tauri-specta gives every command's return value. */
export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

/** Rust's code of an error, or null for a failure of the transport itself. */
export function rustCode(code: IpcErrorCode): ErrorCode | null {
  return code === TRANSPORT_ERROR ? null : code;
}

/** An error reported by the Rust side (or by the IPC transport itself). */
export class IpcError extends Error {
  /** Stable machine-readable code (`workspace_not_baton`, `not_found`, ...); branch on this. */
  readonly code: IpcErrorCode;

  constructor(code: IpcErrorCode, message: string) {
    super(message);
    this.name = "IpcError";
    this.code = code;
  }
}

function isPayload(value: unknown): value is IpcErrorPayload {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Turns anything thrown or returned as an error into an `IpcError`. */
export function toIpcError(value: unknown): IpcError {
  if (value instanceof IpcError) return value;
  if (isPayload(value)) return new IpcError(value.code, value.message);
  if (value instanceof Error) return new IpcError(TRANSPORT_ERROR, value.message);
  if (typeof value === "string") return new IpcError(TRANSPORT_ERROR, value);
  return new IpcError(
    TRANSPORT_ERROR,
    "The app's backend did not answer in a way the interface understands.",
  );
}

/** Returns the data of an ok result and throws an `IpcError` for an error result. */
export function unwrap<T>(result: Result<T, unknown>): T {
  if (result.status === "ok") return result.data;
  throw toIpcError(result.error);
}

/** Awaits a command's result and unwraps it; transport failures become `IpcError`s too. */
export async function call<T>(promise: Promise<Result<T, unknown>>): Promise<T> {
  let result: Result<T, unknown>;
  try {
    result = await promise;
  } catch (err) {
    throw toIpcError(err);
  }
  return unwrap(result);
}
