// Phones named from their User-Agents (domain/device.ts), with strings real phones send.

import { describe, expect, it } from "vitest";
import { deviceLabel, parseUserAgent } from "@/domain/device";
import { createTranslator, registerMessages } from "@/domain/i18n";
import { superviseMessages } from "@/domain/i18n/supervise";

registerMessages(superviseMessages);
const zh = createTranslator("zh-CN");
const en = createTranslator("en");

const PIXEL =
  "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240105.004) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36";
const REDUCED =
  "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36";
const WECHAT =
  "Mozilla/5.0 (Linux; Android 13; V2145A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230405 MMWEBID/1234 MicroMessenger/8.0.35.2360(0x2800235B) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";
const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";
const HUAWEI =
  "Mozilla/5.0 (Phone; OpenHarmony 4.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 Safari/537.36 ArkWeb/4.1.6.1 Mobile HuaweiBrowser/5.0.3.300";

describe("parseUserAgent", () => {
  it("names the browser, the system and the Android model", () => {
    expect(parseUserAgent(PIXEL)).toEqual({
      browser: "chrome",
      browserVersion: "120",
      platform: "android",
      platformVersion: "14",
      model: "Pixel 7",
    });
    expect(parseUserAgent(REDUCED)).toMatchObject({ browser: "chrome", platform: "android", model: null });
    expect(parseUserAgent(WECHAT)).toMatchObject({ browser: "wechat", browserVersion: "8", model: "V2145A" });
    expect(parseUserAgent(IPHONE)).toEqual({
      browser: "safari",
      browserVersion: "17",
      platform: "ios",
      platformVersion: "17",
      model: null,
    });
    expect(parseUserAgent(HUAWEI)).toMatchObject({
      browser: "huawei",
      platform: "harmonyos",
      platformVersion: "4.0",
    });
    expect(parseUserAgent(null)).toEqual({
      browser: "other",
      browserVersion: null,
      platform: "other",
      platformVersion: null,
      model: null,
    });
  });

  it("writes a name in the reader's words", () => {
    expect(deviceLabel(parseUserAgent(PIXEL), en)).toBe("Chrome 120 · Android 14 · Pixel 7");
    expect(deviceLabel(parseUserAgent(WECHAT), zh)).toBe("微信 8 · Android 13 · V2145A");
    expect(deviceLabel(parseUserAgent(HUAWEI), zh)).toBe("华为浏览器 5 · 鸿蒙 4.0");
    expect(deviceLabel(parseUserAgent(""), en)).toBe("Unknown browser · Unknown system");
  });
});
