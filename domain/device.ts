// An officer's phone named from its browser's User-Agent, so a supervisor tells two phones of one
// officer apart: the browser, the system and (on Android) the model. Pure; the names themselves are
// in the message catalogue (device.browser.*, device.platform.*), the versions and models as sent.

import type { Translate } from "./i18n";

export type BrowserKey =
  | "wechat"
  | "huawei"
  | "miui"
  | "uc"
  | "qq"
  | "quark"
  | "samsung"
  | "edge"
  | "firefox"
  | "chrome"
  | "safari"
  | "other";

export type PlatformKey =
  | "android"
  | "ios"
  | "ipados"
  | "harmonyos"
  | "windows"
  | "macos"
  | "chromeos"
  | "linux"
  | "other";

export interface DeviceName {
  browser: BrowserKey;
  browserVersion: string | null;
  platform: PlatformKey;
  platformVersion: string | null;
  /** The phone's model as Android browsers send it (e.g. "Pixel 7", "V2145A"); null when hidden. */
  model: string | null;
}

/** Browsers in the order they must be tried: an app's embedded browser says "Chrome" and "Safari" too. */
const BROWSERS: readonly [BrowserKey, RegExp][] = [
  ["wechat", /MicroMessenger\/([\d.]+)/],
  ["huawei", /HuaweiBrowser\/([\d.]+)/],
  ["miui", /(?:MiuiBrowser|XiaoMi\/MiuiBrowser)\/([\d.]+)/],
  ["uc", /UCBrowser\/([\d.]+)/],
  ["qq", /(?:MQQBrowser|QQBrowser)\/([\d.]+)/],
  ["quark", /Quark\/([\d.]+)/],
  ["samsung", /SamsungBrowser\/([\d.]+)/],
  ["edge", /(?:EdgA|EdgiOS|Edg)\/([\d.]+)/],
  ["firefox", /(?:Firefox|FxiOS)\/([\d.]+)/],
  ["chrome", /(?:CriOS|Chrome)\/([\d.]+)/],
  ["safari", /Version\/([\d.]+).*Safari\//],
];

/** The major version only: "120.0.6099.144" says no more to a supervisor than "120". */
const major = (version: string | undefined) => (version ? version.split(".")[0] : null);

function platformOf(ua: string): {
  platform: PlatformKey;
  platformVersion: string | null;
  model: string | null;
} {
  const harmony = /(?:OpenHarmony|HarmonyOS)[ /]?([\d.]*)/.exec(ua);
  if (harmony) return { platform: "harmonyos", platformVersion: harmony[1] || null, model: null };
  const android = /Android ([\d.]+)(?:; ([^;)]+))?/.exec(ua);
  if (android) {
    // Reduced User-Agents send "K" instead of the model; "Build/…" is not part of it.
    const model = android[2]?.replace(/\s*Build\/.*$/, "").trim() ?? "";
    return {
      platform: "android",
      platformVersion: major(android[1]),
      model: model && model !== "K" && !/^wv$/i.test(model) ? model : null,
    };
  }
  const ios = /(iPhone|iPad|iPod).*? OS (\d+)[_\d]*/.exec(ua);
  if (ios) return { platform: ios[1] === "iPad" ? "ipados" : "ios", platformVersion: ios[2], model: null };
  if (/CrOS/.test(ua)) return { platform: "chromeos", platformVersion: null, model: null };
  if (/Windows/.test(ua)) return { platform: "windows", platformVersion: null, model: null };
  const mac = /Mac OS X (\d+)[_.](\d+)/.exec(ua);
  if (mac) return { platform: "macos", platformVersion: `${mac[1]}.${mac[2]}`, model: null };
  if (/Linux/.test(ua)) return { platform: "linux", platformVersion: null, model: null };
  return { platform: "other", platformVersion: null, model: null };
}

/** A User-Agent in parts; anything not recognised is "other", never an error. */
export function parseUserAgent(userAgent: string | null | undefined): DeviceName {
  const ua = userAgent ?? "";
  let browser: BrowserKey = "other";
  let browserVersion: string | null = null;
  for (const [key, pattern] of BROWSERS) {
    const found = pattern.exec(ua);
    if (found) {
      browser = key;
      browserVersion = major(found[1]);
      break;
    }
  }
  return { browser, browserVersion, ...platformOf(ua) };
}

/** "Chrome 120 · Android 14 · Pixel 7", in the reader's words where a name has one (微信, 鸿蒙). */
export function deviceLabel(name: DeviceName, t: Translate): string {
  const named = (label: string, version: string | null) =>
    version ? t("device.versioned", { name: label, version }) : label;
  return [
    named(t(`device.browser.${name.browser}`), name.browserVersion),
    named(t(`device.platform.${name.platform}`), name.platformVersion),
    name.model,
  ]
    .filter(Boolean)
    .join(" · ");
}

/** What a supervisor may mark a phone: either way it is told at its next contact to erase its data. */
export const DEVICE_MARKS = ["lost", "retired"] as const;
export type DeviceMark = (typeof DEVICE_MARKS)[number];

/** Handed-over work: held until a supervisor accepts it into review or discards it. */
export const QUARANTINE_STATES = ["held", "accepted", "discarded"] as const;
export type QuarantineState = (typeof QUARANTINE_STATES)[number];

/**
 * A phone whose officer was disabled proves its device, not a session, when it hands over its unsent
 * visits' photos: the device's id and its contact token in these headers (server/services/devices.ts).
 */
export const DEVICE_HEADER = "x-doorstep-device";
export const CONTACT_HEADER = "x-doorstep-contact";
