import { describe, expect, it } from "vitest";
import {
  afterWrongPin,
  clampLockMinutes,
  decodeValue,
  encodeValue,
  MAX_PIN_ATTEMPTS,
  parseVaultRecord,
  pinAttemptsLeft,
  pinProblem,
  shouldLock,
  splitRow,
  type VaultRecord,
} from "@/domain/vault";

const bytes = (...n: number[]) => Uint8Array.from(n);
const record = (over: Partial<VaultRecord> = {}): VaultRecord => ({
  version: 1,
  pin: { salt: bytes(1), iterations: 600_000, iv: bytes(2), wrapped: bytes(3) },
  device: { iv: bytes(4), wrapped: bytes(5) },
  failedPins: 0,
  lockMinutes: 15,
  ...over,
});

describe("the vault's record codec", () => {
  it("keeps a row's Dates, nested values and attachment through bytes", () => {
    const value = {
      name: "张三",
      at: new Date("2026-12-06T07:00:00Z"),
      list: [1, "二", null],
      nested: { ok: true },
    };
    const { value: back, attachment } = decodeValue(encodeValue(value, bytes(9, 8, 7)));
    expect(back).toEqual(value);
    expect((back as { at: Date }).at).toBeInstanceOf(Date);
    expect(Array.from(attachment ?? [])).toEqual([9, 8, 7]);
    expect(decodeValue(encodeValue("cursor-7")).value).toBe("cursor-7");
  });

  it("keeps values with and without Dates or bytes alike, whichever way they are encoded", () => {
    // Rows without a Date or bytes skip the tagged JSON; these cover both paths and the edges between.
    const plain = { note: "门口写着 $date 和 $bytes 🏠", n: 3, list: [{ deep: "é" }] };
    expect(decodeValue(encodeValue(plain)).value).toEqual(plain);
    const deepDate = { list: [{ at: new Date("2026-01-02T03:04:05Z") }], text: "𠮷野家" };
    const back = decodeValue(encodeValue(deepDate)).value as typeof deepDate;
    expect(back.list[0].at).toBeInstanceOf(Date);
    expect(back.list[0].at.toISOString()).toBe("2026-01-02T03:04:05.000Z");
    const deepBytes = { photo: { thumb: bytes(1, 2, 255) } };
    const backBytes = decodeValue(encodeValue(deepBytes)).value as typeof deepBytes;
    expect(backBytes.photo.thumb).toBeInstanceOf(Uint8Array);
    expect(Array.from(backBytes.photo.thumb)).toEqual([1, 2, 255]);
    expect(decodeValue(encodeValue(null)).value).toBeNull();
    const { attachment } = decodeValue(encodeValue(plain, bytes(4, 5)));
    expect(Array.from(attachment ?? [])).toEqual([4, 5]);
  });

  it("refuses a truncated value", () => {
    const encoded = encodeValue({ name: "李四" });
    expect(() => decodeValue(encoded.subarray(0, encoded.length - 3))).toThrow(/truncated/);
    expect(() => decodeValue(bytes(0, 0))).toThrow(/short/);
  });

  it("leaves only keys and index fields in clear", () => {
    const { clear, secret } = splitRow("persons", {
      id: "p1",
      gridId: "g1",
      householdId: "h1",
      name: "王五",
      idNumber: "110101199003074211",
      phone: "13800138000",
    });
    expect(clear).toEqual({ id: "p1", gridId: "g1", householdId: "h1" });
    expect(secret).toEqual({ name: "王五", idNumber: "110101199003074211", phone: "13800138000" });
    // The outbox keeps its state in clear so a locked phone can count unsent work; not its payload.
    expect(
      splitRow("outbox", { id: "m1", createdAt: "t", state: "pending", payload: { x: 1 } }).secret,
    ).toEqual({
      payload: { x: 1 },
    });
  });
});

describe("PINs and their attempts", () => {
  it("takes six digits that are not a repeat or a straight run, typed the same twice", () => {
    expect(pinProblem("12345")).toBe("vault.pinLength");
    expect(pinProblem("12345a")).toBe("vault.pinLength");
    expect(pinProblem("111111")).toBe("vault.pinWeak");
    expect(pinProblem("123456")).toBe("vault.pinWeak");
    expect(pinProblem("987654")).toBe("vault.pinWeak");
    expect(pinProblem("246810")).toBeNull();
    expect(pinProblem("135790", "135791")).toBe("vault.pinMismatch");
    expect(pinProblem("135790", "135790")).toBeNull();
  });

  it("erases the PIN wrap at the fifth wrong PIN, keeping the device wrap", () => {
    let held = record();
    for (let i = 1; i < MAX_PIN_ATTEMPTS; i++) {
      held = afterWrongPin(held);
      expect(held.pin).not.toBeNull();
      expect(pinAttemptsLeft(held)).toBe(MAX_PIN_ATTEMPTS - i);
    }
    held = afterWrongPin(held);
    expect(held.pin).toBeNull();
    expect(held.device).toEqual(record().device);
    expect(pinAttemptsLeft(held)).toBe(0);
  });

  it("reads back a stored record and refuses a malformed one", () => {
    expect(parseVaultRecord(record())).toEqual(record());
    expect(parseVaultRecord({ ...record(), pin: { salt: "x" } })?.pin).toBeNull();
    expect(parseVaultRecord({ ...record(), device: null })).toBeNull();
    expect(parseVaultRecord({ ...record(), version: 2 })).toBeNull();
    expect(parseVaultRecord("vault")).toBeNull();
  });
});

describe("when the phone locks", () => {
  const minute = 60_000;
  it("locks after the idle limit, or on return from being hidden five minutes", () => {
    const base = { now: 100 * minute, hiddenSince: null, lockMinutes: 15 };
    expect(shouldLock({ ...base, lastActivity: 86 * minute })).toBe(false);
    expect(shouldLock({ ...base, lastActivity: 85 * minute })).toBe(true);
    expect(shouldLock({ ...base, lastActivity: 99 * minute, hiddenSince: 96 * minute })).toBe(false);
    expect(shouldLock({ ...base, lastActivity: 99 * minute, hiddenSince: 95 * minute })).toBe(true);
    // An idle limit below five minutes also bounds the hidden time.
    expect(shouldLock({ ...base, lockMinutes: 2, lastActivity: 99 * minute, hiddenSince: 98 * minute })).toBe(
      true,
    );
  });

  it("keeps the administrator's idle limit within bounds", () => {
    expect(clampLockMinutes(undefined)).toBe(15);
    expect(clampLockMinutes("abc")).toBe(15);
    expect(clampLockMinutes(0)).toBe(1);
    expect(clampLockMinutes(10_000)).toBe(240);
    expect(clampLockMinutes(7.6)).toBe(8);
  });
});
