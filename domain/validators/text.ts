// Chinese input methods often emit full-width digits and letters (１２３Ｘ) and
// the ideographic space; fold them to ASCII so a correct number typed in
// full-width mode is not rejected.
export function toHalfWidth(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, " ");
}

/**
 * Unicode's bidirectional formatting characters: the Arabic letter mark, the left-to-right and
 * right-to-left marks, the embeddings and overrides (U+202A–U+202E) and the isolates (U+2066–U+2069).
 * They change the order text is drawn in without showing themselves — "张三\u202E4321" reads as
 * 张三1234 — so a name, an address or a comment holding one can show a supervisor, a resident or an
 * exported file something other than what is stored. No register text needs one: refused, with
 * "validation.text.bidiControl". (Joiners such as U+200D shape letters, not direction, and pass.)
 */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

export const hasBidiControl = (text: string): boolean => BIDI_CONTROL.test(text);
