// The English core catalogue, registered when imported: by a page when its reader switches to English
// (app/_components/i18n.tsx), and with every bundle by ./all for the server, commands and tests.

import { registerCore } from "./index";
import { en } from "./messages.en";
import { validationEn } from "./validation.en";

registerCore("en", { ...en, ...validationEn });
