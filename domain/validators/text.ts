// Chinese input methods often emit full-width digits and letters (１２３Ｘ) and
// the ideographic space; fold them to ASCII so a correct number typed in
// full-width mode is not rejected.
export function toHalfWidth(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, " ");
}
